/** captureCaller: the stack of whoever called the entry point, or nothing when turned off. */
import { captureCaller } from '../src/operators/caller-stack';

function entryPoint(capture: boolean): { stack?: string } {
  return captureCaller(capture, entryPoint);
}

function userCode(capture: boolean): { stack?: string } {
  return entryPoint(capture);
}

describe('captureCaller', () => {
  it("captures the caller's frames, starting below the entry point", () => {
    const { stack } = userCode(true);
    expect(stack).toContain('userCode');
    expect(stack).toContain('caller-stack.spec.ts');
    expect(stack).not.toContain('entryPoint');
  });

  it('captures nothing when turned off', () => {
    expect(userCode(false)).toEqual({});
  });
});
