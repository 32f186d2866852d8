// The 7-class expression model's input and output as pure functions.

export const EXPRESSIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Expression = (typeof EXPRESSIONS)[number];
export const EXPRESSION_SIZE = 64;

/** RGBA crop (64×64) → grey NHWC [1,64,64,1], (g − 0.5) × 2 with g the luma in [0, 1]. */
export function rgbaToExpressionInput(rgba: Uint8ClampedArray, size = EXPRESSION_SIZE): Float32Array {
  const out = new Float32Array(size * size);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    const g = (0.2989 * rgba[j]! + 0.587 * rgba[j + 1]! + 0.114 * rgba[j + 2]!) / 255;
    out[i] = (g - 0.5) * 2;
  }
  return out;
}

export interface ExpressionScores {
  expression: Expression;
  score: number;
  scores: Record<Expression, number>;
}

/** The model ends in a softmax; values are read as probabilities in class order. */
export function readExpression(probs: Float32Array): ExpressionScores {
  if (probs.length !== EXPRESSIONS.length)
    throw new Error(`expression model returned ${probs.length} values, expected ${EXPRESSIONS.length}`);
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
  const scores = Object.fromEntries(EXPRESSIONS.map((e, i) => [e, probs[i]!])) as Record<Expression, number>;
  return { expression: EXPRESSIONS[best]!, score: probs[best]!, scores };
}

/** A square crop around a face box, enlarged so the whole face (chin, brows) is in view. */
export function faceCrop(
  box: { x: number; y: number; width: number; height: number },
  enlarge = 1.1,
): { x: number; y: number; size: number } {
  const size = Math.max(box.width, box.height) * enlarge;
  return { x: box.x + box.width / 2 - size / 2, y: box.y + box.height / 2 - size / 2, size };
}
