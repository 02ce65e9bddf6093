import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEvent } from '../../audit/index.js';
import { isDigest, isValidRepositoryName, isValidTag } from '../../oci/index.js';
import type { RegistryMetadata } from '../../store/index.js';
import type { ApiAccess } from './api-access.js';
import { ScanningError } from './errors.js';
import { projectOf, scanPolicySchema, toPolicy } from './policy.js';
import { buildScanReport, renderSbom, renderScan } from './scan-report.js';
import { scanView } from './scan-view.js';
import type { ScanningService } from './scanning-service.js';

export interface ScanRoutesDeps {
  readonly service: ScanningService;
  readonly metadata: RegistryMetadata;
  readonly access: ApiAccess;
  readonly audit: (event: AuditEvent) => void;
}

// Repository names contain slashes: the endpoint is read from the right end of the path.
const MANIFEST_ENDPOINT = /^(?<name>.+)\/manifests\/(?<reference>[^/]+)\/(?<what>scan|sbom)$/;
const PROJECT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

type Query = Readonly<Record<string, string | string[] | undefined>>;

function formatOf(query: Query, fallback: string | undefined): string | undefined {
  const value = query['format'];
  if (Array.isArray(value)) throw new ScanningError('INVALID_REQUEST', 'format: give it once');
  return value ?? fallback;
}

async function resolveTarget(
  deps: ScanRoutesDeps,
  path: string,
): Promise<{ name: string; digest: string; mediaType: string; what: 'scan' | 'sbom' }> {
  const match = MANIFEST_ENDPOINT.exec(path);
  const name = match?.groups?.['name'];
  const reference = match?.groups?.['reference'];
  const what = match?.groups?.['what'];
  if (!name || !reference || (what !== 'scan' && what !== 'sbom')) {
    throw new ScanningError(
      'NOT_FOUND',
      'no API endpoint here: use /api/v1/repositories/{name}/manifests/{digest}/scan or /sbom',
    );
  }
  if (!isValidRepositoryName(name))
    throw new ScanningError(
      'INVALID_REQUEST',
      `repository name "${name.slice(0, 100)}" is not valid`,
    );
  let digest = reference;
  if (!isDigest(reference)) {
    if (!isValidTag(reference))
      throw new ScanningError(
        'INVALID_REQUEST',
        `"${reference.slice(0, 100)}" is neither a digest nor a tag`,
      );
    const resolved = await deps.metadata.resolveTag(name, reference);
    if (resolved === undefined)
      throw new ScanningError('NOT_FOUND', `tag ${reference} is not in repository ${name}`);
    digest = resolved;
  }
  const record = await deps.metadata.getManifest(name, digest);
  if (!record)
    throw new ScanningError('NOT_FOUND', `manifest ${digest} is not in repository ${name}`);
  return { name, digest, mediaType: record.mediaType, what };
}

function wildcard(request: FastifyRequest): string {
  return (request.params as Record<string, string | undefined>)['*'] ?? '';
}

function projectParam(request: FastifyRequest): string {
  const project = (request.params as Record<string, string | undefined>)['project'] ?? '';
  if (!PROJECT.test(project))
    throw new ScanningError('INVALID_REQUEST', `"${project.slice(0, 100)}" is not a project name`);
  return project;
}

async function getScanOrSbom(
  deps: ScanRoutesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const target = await resolveTarget(deps, wildcard(request));
  await deps.access.authorize(request, { kind: 'read', repository: target.name });
  const query = request.query as Query;
  const { service } = deps;
  if (target.what === 'sbom') {
    const catalog = service.store.catalog(target.digest);
    if (!catalog)
      throw new ScanningError(
        'NOT_READY',
        `no SBOM for ${target.name}@${target.digest} yet: its scan is ${scanView(service, target.name, target.digest, target.mediaType, false).status}`,
      );
    const rendered = renderSbom(formatOf(query, 'cyclonedx') ?? 'cyclonedx', catalog);
    return reply.header('Content-Type', rendered.mediaType).send(rendered.body);
  }
  const format = formatOf(query, undefined);
  if (format === undefined)
    return scanView(service, target.name, target.digest, target.mediaType, true);
  const scan = service.store.get(target.digest);
  const catalog = scan?.status === 'done' ? service.store.catalog(target.digest) : undefined;
  if (!scan || !catalog) {
    const view = scanView(service, target.name, target.digest, target.mediaType, false);
    const hint = view.manifests ? ': it is an index; ask for one of its images' : '';
    throw new ScanningError(
      'NOT_READY',
      `no scan results for ${target.name}@${target.digest}: its scan is ${view.status}${hint}`,
    );
  }
  const report = buildScanReport(
    target.name,
    scan,
    catalog,
    service.store.findings(target.digest) ?? [],
    service.policy(projectOf(target.name)),
    service.db.path,
  );
  const rendered = renderScan(format, report);
  return reply.header('Content-Type', rendered.mediaType).send(rendered.body);
}

/** `/api/v1` routes of scanning: results and SBOMs per manifest, rescans, per-project pull gates. */
export function registerScanRoutes(app: FastifyInstance, deps: ScanRoutesDeps): void {
  const { service, access } = deps;

  app.get('/repositories/*', (request, reply) => getScanOrSbom(deps, request, reply));

  app.post('/repositories/*', async (request, reply) => {
    const target = await resolveTarget(deps, wildcard(request));
    if (target.what !== 'scan')
      throw new ScanningError('NOT_FOUND', 'POST is answered only on …/scan');
    const caller = await access.authorize(request, {
      kind: 'project-admin',
      project: projectOf(target.name),
    });
    service.requeue(target.digest, target.name, target.mediaType);
    deps.audit({
      actor: caller.actor,
      action: 'scan.request',
      targetType: 'manifest',
      repository: target.name,
      target: target.digest,
      address: caller.address,
      result: 'success',
    });
    return reply
      .code(202)
      .send(scanView(service, target.name, target.digest, target.mediaType, false));
  });

  app.get('/projects/:project/scan-policy', async (request) => {
    const project = projectParam(request);
    await access.authorize(request, { kind: 'project-admin', project });
    const policy = service.policy(project);
    return {
      project,
      blockSeverity: policy.blockSeverity ?? null,
      blockUnscanned: policy.blockUnscanned,
      source: policy.source,
    };
  });

  app.put('/projects/:project/scan-policy', async (request) => {
    const project = projectParam(request);
    const caller = await access.authorize(request, { kind: 'project-admin', project });
    const parsed = scanPolicySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const keys =
        issue && 'keys' in issue && Array.isArray(issue.keys) ? issue.keys.join(', ') : undefined;
      throw new ScanningError(
        'INVALID_REQUEST',
        `scan policy: ${keys ?? (issue?.path.join('.') || 'body')}: ${keys ? 'unknown field' : (issue?.message ?? 'invalid')}`,
      );
    }
    const policy = toPolicy(parsed.data);
    service.setPolicy(project, policy, caller.actor);
    deps.audit({
      actor: caller.actor,
      action: 'scan-policy.update',
      targetType: 'project',
      target: project,
      address: caller.address,
      result: 'success',
      details: {
        blockSeverity: policy.blockSeverity ?? null,
        blockUnscanned: policy.blockUnscanned,
      },
    });
    return {
      project,
      blockSeverity: policy.blockSeverity ?? null,
      blockUnscanned: policy.blockUnscanned,
      source: 'api',
    };
  });

  app.delete('/projects/:project/scan-policy', async (request, reply) => {
    const project = projectParam(request);
    const caller = await access.authorize(request, { kind: 'project-admin', project });
    const deleted = service.deletePolicy(project);
    deps.audit({
      actor: caller.actor,
      action: 'scan-policy.delete',
      targetType: 'project',
      target: project,
      address: caller.address,
      result: deleted ? 'success' : 'failure',
    });
    if (!deleted)
      throw new ScanningError(
        'NOT_FOUND',
        `project ${project} has no scan policy set through the API`,
      );
    return reply.code(204).send();
  });

  app.get('/scanning', async (request) => {
    await access.authorize(request, { kind: 'system-admin' });
    return service.status();
  });

  app.post('/scanning/rescan', async (request, reply) => {
    const caller = await access.authorize(request, { kind: 'system-admin' });
    deps.audit({
      actor: caller.actor,
      action: 'scan.rescan',
      targetType: 'vulnerability-db',
      target: service.db.path,
      address: caller.address,
      result: 'success',
    });
    await service.checkDb(true);
    return reply.code(200).send(service.status());
  });
}
