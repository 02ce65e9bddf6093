import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { ScanConfigError } from './ignore-file.js';

const productSchema = z.union([
  z.string(),
  z.object({
    '@id': z.string(),
    subcomponents: z.array(z.union([z.string(), z.object({ '@id': z.string() })])).optional(),
  }),
]);

const statementSchema = z.object({
  vulnerability: z.union([
    z.string(),
    z.object({
      name: z.string().optional(),
      '@id': z.string().optional(),
      aliases: z.array(z.string()).optional(),
    }),
  ]),
  products: z.array(productSchema).optional(),
  status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
  justification: z.string().optional(),
  impact_statement: z.string().optional(),
  status_notes: z.string().optional(),
});

const documentSchema = z.object({
  '@context': z.string().refine((value) => value.startsWith('https://openvex.dev/ns'), {
    error: 'not an OpenVEX context',
  }),
  statements: z.array(statementSchema),
});

export interface VexStatement {
  readonly vulnerabilities: readonly string[];
  /** purls the statement covers (products and subcomponents); empty means every product. */
  readonly products: readonly string[];
  readonly status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  readonly reason: string;
  readonly source: string;
}

/** Reads an OpenVEX document (https://github.com/openvex/spec). */
export async function readVex(path: string): Promise<VexStatement[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ScanConfigError('VEX_INVALID', `${path}: ${(error as Error).message}`);
  }
  const result = documentSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ScanConfigError(
      'VEX_INVALID',
      `${path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  return result.data.statements.map((statement) => {
    const vulnerability = statement.vulnerability;
    const vulnerabilities =
      typeof vulnerability === 'string'
        ? [vulnerability]
        : [vulnerability.name, vulnerability['@id'], ...(vulnerability.aliases ?? [])].filter(
            (v): v is string => Boolean(v),
          );
    const products = (statement.products ?? []).flatMap((product) =>
      typeof product === 'string'
        ? [product]
        : [
            product['@id'],
            ...(product.subcomponents ?? []).map((sub) =>
              typeof sub === 'string' ? sub : sub['@id'],
            ),
          ],
    );
    const reason =
      [statement.justification, statement.impact_statement, statement.status_notes]
        .filter(Boolean)
        .join(': ') || statement.status;
    return { vulnerabilities, products, status: statement.status, reason, source: path };
  });
}
