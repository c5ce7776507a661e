import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation, UniqueViolationError } from '../../src/store/sql/index.js';

describe('isUniqueViolation', () => {
  it('recognises SQLite unique and primary-key codes and PostgreSQL 23505', () => {
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }))).toBe(
      true,
    );
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: '23505' }))).toBe(true);
    expect(isUniqueViolation(new UniqueViolationError('taken'))).toBe(true);
  });

  it('follows the cause of a wrapping error', () => {
    const driver = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(isUniqueViolation(new Error('wrapped', { cause: driver }))).toBe(true);
  });

  it('rejects other constraint errors and non-errors', () => {
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }))).toBe(
      false,
    );
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: '23503' }))).toBe(false);
    expect(isUniqueViolation(new Error('UNIQUE constraint failed'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
    expect(isUniqueViolation({ code: 23505 })).toBe(false);
  });
});

describe('isForeignKeyViolation', () => {
  it('recognises SQLite and PostgreSQL foreign-key codes only', () => {
    expect(
      isForeignKeyViolation(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })),
    ).toBe(true);
    expect(isForeignKeyViolation(Object.assign(new Error('x'), { code: '23503' }))).toBe(true);
    expect(isForeignKeyViolation(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
  });
});
