import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { firstProblem } from './schema-issue';

const Schema = v.object(
  {
    name: v.string('name must be a string'),
    inner: v.object({ n: v.number('inner.n must be a number') }, 'inner must be an object'),
  },
  'the input must be an object',
);

function problemOf(input: unknown) {
  const r = v.safeParse(Schema, input, { abortEarly: true });
  if (r.success) throw new Error('expected a problem');
  return firstProblem(r.issues, '(input)');
}

describe('firstProblem', () => {
  it('names a nested field by its dotted path, with the schema message', () => {
    expect(problemOf({ name: 'a', inner: { n: 'x' } })).toEqual({
      field: 'inner.n',
      reason: 'inner.n must be a number',
    });
  });

  it('says a missing field is required rather than that its value is wrong', () => {
    expect(problemOf({ inner: { n: 1 } })).toEqual({ field: 'name', reason: 'name is required' });
  });

  it('names the whole input when the input itself is wrong', () => {
    expect(problemOf(null)).toEqual({ field: '(input)', reason: 'the input must be an object' });
  });
});
