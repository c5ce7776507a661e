import { describe, expect, it } from 'vitest';
import { quotaLevel } from './QuotaBar';

describe('quotaLevel', () => {
  it('warns from 80 %, says high from 90 % and full from 100 %', () => {
    const at = (used: number) => quotaLevel({ used, hardLimit: 1000, warnLimit: 800 });
    expect([at(0), at(799), at(800), at(899), at(900), at(999), at(1000), at(1200)]).toEqual([
      'ok',
      'ok',
      'warn',
      'warn',
      'high',
      'high',
      'full',
      'full',
    ]);
  });
});
