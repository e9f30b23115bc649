import { DejaError } from './deja-error';

enum TestCode {
  Broken = 'BROKEN',
}

class TestException extends DejaError<TestCode> {
  constructor(readonly detail: string) {
    super(TestCode.Broken, 'it broke', true, { cause: new Error('underneath') });
  }

  protected override jsonDetails(): Record<string, unknown> {
    return { detail: this.detail };
  }
}

describe('DejaError', () => {
  it('serialises its code, message, retriable flag and the subclass details (JSON.stringify of an Error gives {})', () => {
    expect(JSON.parse(JSON.stringify(new TestException('x')))).toEqual({
      name: 'TestException',
      code: 'BROKEN',
      message: 'it broke',
      retriable: true,
      detail: 'x',
    });
  });

  it('is an Error named after its subclass, with its cause kept', () => {
    const error = new TestException('x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TestException');
    expect((error.cause as Error).message).toBe('underneath');
  });
});
