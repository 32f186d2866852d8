// A second instance of onnxruntime-web's plain WASM build (see onnxWasmSingleThreadBackend): same API.
declare module 'onnxruntime-web/wasm?single' {
  export * from 'onnxruntime-web/wasm';
}
