import { classifyPostgresError } from './pg-errors';

const pgError = (code: string, message = 'e') => Object.assign(new Error(message), { code });

describe('classifyPostgresError', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P03', '08006', '53300'])(
    'calls %s unavailable',
    (code) => expect(classifyPostgresError(pgError(code))).toBe('unavailable'),
  );

  it('reads connection failures pg reports by message only', () => {
    expect(classifyPostgresError(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
    expect(classifyPostgresError(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
  });

  it.each(['40P01', '40001', '55P03'])('calls %s transient (the transaction may simply run again)', (code) =>
    expect(classifyPostgresError(pgError(code))).toBe('transient'),
  );

  it.each(['22P05', '22021', '22003', '54001'])('calls %s a data error (no retry can help)', (code) =>
    expect(classifyPostgresError(pgError(code))).toBe('data'),
  );

  it.each([pgError('42601'), pgError('23505'), new Error('x'), null, 'x', 42])('calls %p other', (e) =>
    expect(classifyPostgresError(e)).toBe('other'),
  );
});
