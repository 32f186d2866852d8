// How the development endpoint is described in the router panel and Settings; its own module (no imports) so
// e2e specs compare against it without loading the library in Node.
export const DEV_ENDPOINT_LABEL =
  'development endpoint on this machine: transcription is real Whisper base (larger than the Whisper tiny ' +
  'running in this tab, so refinements are real), embeddings are real (USE lite), chat is a deterministic ' +
  'responder, not a model. For a real model, set an endpoint in Settings (Ollama, vLLM, llama.cpp server, OpenAI).';
