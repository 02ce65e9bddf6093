import { describe, expect, it } from 'vitest';
import { VersionError } from '../errors.js';
import type { VersionScheme } from '../types.js';

export interface VersioningContractCases {
  /** Versions the scheme must accept. */
  readonly valid: readonly string[];
  /** Strings the scheme must reject (compare throws, isValid is false). */
  readonly invalid: readonly string[];
  /**
   * Groups in ascending order; versions inside one inner array compare equal. Taken from the
   * reference tool's documentation or checked against it in the scheme's differential test.
   */
  readonly ordered: readonly (readonly string[])[];
  /** Constraints the scheme must accept and reject. */
  readonly validConstraints?: readonly string[];
  readonly invalidConstraints?: readonly string[];
}

/**
 * The contract every version scheme passes: identity, validity tables, a total order that is
 * reflexive, antisymmetric and transitive on the samples, sorting that agrees with the expected
 * order, and typed errors (never a silent 0) for invalid input.
 */
export function runVersioningContract(scheme: VersionScheme, cases: VersioningContractCases): void {
  const { api } = scheme;
  const samples = [...new Set([...cases.valid, ...cases.ordered.flat()])];

  describe(`versioning contract: ${scheme.id}`, () => {
    it('has an id, a display name and https spec links', () => {
      expect(scheme.id).toMatch(/^[a-z0-9]+$/);
      expect(scheme.displayName.length).toBeGreaterThan(0);
      expect(scheme.urls.length).toBeGreaterThan(0);
      for (const url of scheme.urls) expect(url).toMatch(/^https:\/\//);
    });

    it('accepts every valid version and parses it', () => {
      for (const v of samples) {
        expect(api.isValid(v), v).toBe(true);
        expect(api.parse(v), v).toBeDefined();
      }
    });

    it('rejects every invalid version, and compare/matches throw a VersionError naming it', () => {
      expect(cases.invalid.length).toBeGreaterThan(0);
      const anyValid = samples[0] ?? '1';
      // Hostile sizes are rejected before any regex runs.
      for (const v of [...cases.invalid, `1${'.1'.repeat(200_000)}`]) {
        expect(api.isValid(v), JSON.stringify(v)).toBe(false);
        expect(api.parse(v), JSON.stringify(v)).toBeUndefined();
        expect(() => api.compare(v, anyValid), JSON.stringify(v)).toThrow(VersionError);
        expect(() => api.compare(anyValid, v), JSON.stringify(v)).toThrow(VersionError);
        expect(() => api.compare(v, v), JSON.stringify(v)).toThrow(VersionError);
      }
    });

    it('compare(a, a) is 0 and compare is antisymmetric', () => {
      for (const a of samples) {
        expect(api.compare(a, a), a).toBe(0);
        for (const b of samples)
          expect(api.compare(a, b), `${a} vs ${b}`).toBe(-api.compare(b, a) || 0);
      }
    });

    it('is transitive on the samples', () => {
      const sorted = [...samples].sort((a, b) => api.compare(a, b));
      sorted.forEach((a, i) => {
        for (const b of sorted.slice(i + 1))
          expect(api.compare(a, b), `${a} vs ${b} after sorting`).toBeLessThanOrEqual(0);
      });
    });

    it('orders the expected groups, with equal members inside a group', () => {
      expect(cases.ordered.length).toBeGreaterThan(1);
      cases.ordered.forEach((group, g) => {
        for (const a of group)
          for (const b of group) expect(api.compare(a, b), `${a} = ${b}`).toBe(0);
        for (const later of cases.ordered.slice(g + 1)) {
          for (const a of group)
            for (const b of later) expect(api.compare(a, b), `${a} < ${b}`).toBe(-1);
        }
      });
    });

    it('sorts stably: a shuffled copy sorts back to the expected order', () => {
      const flat = cases.ordered.flat();
      const shuffled = [...flat].reverse();
      const sorted = shuffled.sort((a, b) => api.compare(a, b));
      const rank = (v: string): number => cases.ordered.findIndex((g) => g.includes(v));
      expect(sorted.map(rank)).toEqual(flat.map(rank));
    });

    it('accepts and rejects constraints as documented', () => {
      for (const c of cases.validConstraints ?? []) expect(api.isValidConstraint(c), c).toBe(true);
      for (const c of cases.invalidConstraints ?? []) {
        expect(api.isValidConstraint(c), c).toBe(false);
        expect(() => api.matches(samples[0] ?? '1', c), c).toThrow(VersionError);
      }
    });
  });
}
