import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import {
  disagreements,
  pairsFrom,
  picker,
  referenceAvailable,
  runBatch,
  toOrdering,
  type Picker,
} from '../testing/index.js';
import { api } from './index.js';

/** Debian's maven ships maven-artifact (ComparableVersion, VersionRange) as this jar. */
function mavenArtifactJar(): string | undefined {
  try {
    const name = readdirSync('/usr/share/maven/lib').find((f) =>
      /^maven-artifact-.*\.jar$/.test(f),
    );
    return name ? join('/usr/share/maven/lib', name) : undefined;
  } catch {
    return undefined;
  }
}

const jar = mavenArtifactJar();
const haveJava = referenceAvailable('java', ['-version']) && jar !== undefined;
const temp = useTempDir();

// Java's single-file source launcher runs this without a build step.
const SOURCE = `
import java.io.*;
import java.util.*;
import org.apache.maven.artifact.versioning.*;

public class Ref {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, "UTF-8")));
    for (String line; (line = in.readLine()) != null; ) {
      String[] f = line.split("\\t", -1);
      if (f[0].equals("cmp")) {
        out.println(Integer.signum(new ComparableVersion(f[1]).compareTo(new ComparableVersion(f[2]))));
      } else {
        try {
          out.println(VersionRange.createFromVersionSpec(f[1]).containsVersion(new DefaultArtifactVersion(f[2])));
        } catch (InvalidVersionSpecificationException e) {
          out.println("invalid");
        }
      }
    }
    out.flush();
  }
}
`;

function reference(lines: readonly string[]): string[] {
  const source = join(temp, 'Ref.java');
  writeFileSync(source, SOURCE);
  // VersionRange needs commons-lang3, which Debian's maven ships beside maven-artifact.
  return runBatch(
    'java',
    ['-cp', join('/usr/share/maven/lib', '*'), source],
    lines.map((l) => `${l}\n`).join(''),
  );
}

/** Versions from Maven's grammar with every qualifier spelling, case, separators and transitions. */
function generated(p: Picker, count: number): string[] {
  const num = (): string =>
    p.pick([
      '0',
      '1',
      '2',
      '10',
      '01',
      '00',
      '1234567890',
      '12345678901234567890',
      String(p.int(20)),
    ]);
  const word = (): string =>
    p.pick([
      'alpha',
      'a',
      'beta',
      'b',
      'milestone',
      'm',
      'rc',
      'cr',
      'snapshot',
      'SNAPSHOT',
      'ga',
      'final',
      'FINAL',
      'release',
      'RELEASE',
      'sp',
      'foo',
      'abc',
      'x',
      'Final',
      '',
    ]);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const piece = (): string => (p.chance(0.6) ? num() : p.chance(0.5) ? word() : word() + num());
    let v = p.join(1 + p.int(5), piece, ['.', '-', '.', '-', '']);
    if (p.chance(0.05)) v = p.pick(['-', '.', '']) + v + p.pick(['-', '.', '']);
    if (v.length > 0) out.push(v);
  }
  return out;
}

describe.skipIf(!haveJava)(
  'maven: differential against maven-artifact ComparableVersion and VersionRange',
  () => {
    it('agrees on 8,000 generated pairs (qualifiers, aliases, padding, big numbers, transitions)', () => {
      const p = picker(387);
      const versions = generated(p, 4000);
      for (const v of versions) expect(api.isValid(v), v).toBe(true);
      const pairs = pairsFrom(versions, p);
      const answers = reference(pairs.map(([a, b]) => `cmp\t${a}\t${b}`)).map(toOrdering);
      expect(disagreements(pairs, api.compare, answers)).toEqual([]);
    });

    it('agrees with VersionRange.containsVersion on 3,000 generated range checks', () => {
      const p = picker(388);
      const versions = generated(p, 600).filter((v) => /^\d/.test(v));
      const sorted = [...versions].sort(api.compare);
      const range = (): string => {
        const i = p.int(sorted.length);
        const j = Math.min(sorted.length - 1, i + p.int(80));
        const lower = p.chance(0.2) ? '' : sorted[i];
        const upper = p.chance(0.2) ? '' : sorted[j];
        if (p.chance(0.1)) return `[${sorted[i]}]`;
        return `${p.pick(['[', '('])}${lower},${p.pick(['', ' '])}${upper}${p.pick([']', ')'])}`;
      };
      const cases = Array.from(
        { length: 3000 },
        () => [p.chance(0.2) ? `${range()},${range()}` : range(), p.pick(versions)] as const,
      );
      const answers = reference(cases.map(([r, v]) => `range\t${r}\t${v}`));
      const ours = (r: string, v: string): string =>
        api.isValidConstraint(r) ? String(api.matches(v, r)) : 'invalid';
      expect(disagreements(cases, ours, answers)).toEqual([]);
    });
  },
);
