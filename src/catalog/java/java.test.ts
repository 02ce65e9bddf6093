import { randomBytes } from 'node:crypto';
import { readFile, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import { catalogFiles, catalogImageDir, sharedFixture, useTempDir } from '../../testing/index.js';
import type { PackageRecord } from '../index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { partialFileOf } from '../testing/partial-file.js';
import { createJavaCataloger, javaCataloger } from './index.js';
import { jarTool, jdkPomPackagesOf, pomProperties, writeTree } from './testing/jdk-tools.js';

const scratch = useTempDir('lockyard-java-');
const fixture = (...parts: string[]): string => sharedFixture('pkgdb', 'java', ...parts);
const ARCHIVES = [
  ['trivy', 'gradle.war'],
  ['trivy', 'hadoop-shaded-guava-1.1.0-SNAPSHOT.jar'],
  ['trivy', 'heuristic-1.0.0-SNAPSHOT.jar'],
  ['trivy', 'io.quarkus.gizmo.gizmo-1.1.jar'],
  ['trivy', 'jackson-annotations-2.15.0-rc2.jar'],
  ['trivy', 'nested.jar'],
  ['trivy', 'test.jar'],
  ['scalibr', 'nested_at_10.jar'],
  ['snyk-docker-plugin', 'fixture-1.0.0.jar'],
];

async function parseAt(
  path: string,
  content: Buffer,
  cataloger = javaCataloger,
): Promise<Awaited<ReturnType<typeof javaCataloger.parse>>> {
  return cataloger.parse({ path, type: 'file', mode: 0o644, size: content.length, content });
}

function keys(
  packages: readonly PackageRecord[] | undefined,
  identifiedBy = 'pom.properties',
): string[] {
  return (packages ?? [])
    .filter((p) => p.metadata?.['identifiedBy'] === identifiedBy)
    .map((p) => `${p.innerPath ?? ''}|${p.namespace ?? ''}:${p.name}@${p.version}`)
    .sort();
}

runCatalogerContract(
  javaCataloger,
  await Promise.all(
    [
      ['trivy', 'gradle.war'],
      ['trivy', 'hadoop-shaded-guava-1.1.0-SNAPSHOT.jar'],
      ['trivy', 'nested.jar'],
      ['trivy', 'test.jar'],
      ['scalibr', 'nested_at_10.jar'],
    ].map(async (parts) => ({
      path: `opt/app/${parts[1] ?? ''}`,
      content: await readFile(fixture(...parts)),
    })),
  ),
);

describe('java cataloger on real archives, checked against the JDK', () => {
  let reference = new Map<string, string[]>();
  beforeAll(async () => {
    reference = await jdkPomPackagesOf(ARCHIVES.map((parts) => fixture(...parts)));
  });

  it.each(ARCHIVES.map((parts) => [parts.join('/'), parts]))(
    '%s: every pom.properties the JDK reads, at every nesting level',
    async (_name, parts) => {
      const path = fixture(...parts);
      const result = await parseAt(`opt/app/${parts[1] ?? ''}`, await readFile(path));
      expect(keys(result.packages)).toEqual(reference.get(path));
      expect(result.warnings).toBeUndefined();
    },
  );

  it('agrees with the JDK on every jar Debian installed under /usr/share/java (maven and its libraries)', async () => {
    // .ci/run installs maven and default-jdk-headless, which bring ~70 real jars from Debian.
    const jars = [
      ...new Set(
        await Promise.all(
          (await readdir('/usr/share/java'))
            .filter((f) => f.endsWith('.jar'))
            .map((f) => realpath(join('/usr/share/java', f))),
        ),
      ),
    ].sort();
    expect(jars.length).toBeGreaterThan(20);
    const reference = await jdkPomPackagesOf(jars);
    let identified = 0;
    for (const jar of jars) {
      const result = await parseAt(jar.slice(1), await readFile(jar));
      expect(keys(result.packages), jar).toEqual(reference.get(jar));
      expect(result.warnings, jar).toBeUndefined();
      if ((result.packages ?? []).length > 0) identified += 1;
    }
    // Most carry pom.properties; OSGi-only ones are named from the manifest; a few say nothing.
    expect(identified / jars.length).toBeGreaterThan(0.8);
  });

  it('finds the four libraries of a real war in WEB-INF/lib (Trivy expects the same)', async () => {
    const result = await parseAt(
      'webapps/gradle.war',
      await readFile(fixture('trivy', 'gradle.war')),
    );
    expect(keys(result.packages)).toEqual([
      'WEB-INF/lib/commons-compress-1.19.jar|org.apache.commons:commons-compress@1.19',
      'WEB-INF/lib/commons-dbcp-1.4.jar|commons-dbcp:commons-dbcp@1.4',
      'WEB-INF/lib/commons-pool-1.6.jar|commons-pool:commons-pool@1.6',
      'WEB-INF/lib/log4j-1.2.17.jar|log4j:log4j@1.2.17',
    ]);
  });

  it('keeps every pom.properties of a shaded jar and uses no manifest when one is the jar itself', async () => {
    const result = await parseAt(
      'lib/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar',
      await readFile(fixture('trivy', 'hadoop-shaded-guava-1.1.0-SNAPSHOT.jar')),
    );
    expect(result.packages).toHaveLength(5);
    expect(keys(result.packages, 'MANIFEST.MF')).toEqual([]);
  });

  it('falls back to MANIFEST.MF for a jar without pom.properties, deriving the group from Bundle-SymbolicName', async () => {
    // test.jar: Implementation-Title "Spring Framework" and Bundle-Name "Spring Core" are display
    // names, so the artifact is the Bundle-SymbolicName after its group: org.springframework.core.
    const result = await parseAt('lib/test.jar', await readFile(fixture('trivy', 'test.jar')));
    expect(keys(result.packages, 'MANIFEST.MF')).toEqual(['|org.springframework:core@2.5.6.SEC03']);
  });

  it('reports nothing for a jar whose manifest and pom say nothing (no group id to invent)', async () => {
    expect(
      await parseAt(
        'lib/heuristic-1.0.0-SNAPSHOT.jar',
        await readFile(fixture('trivy', 'heuristic-1.0.0-SNAPSHOT.jar')),
      ),
    ).toEqual({ packages: [] });
  });

  it('claims Java archives by extension only', () => {
    const header = { type: 'file' as const, mode: 0o644, size: 10 };
    for (const path of [
      'a/b.jar',
      'a/b.WAR',
      'a/b.ear',
      'plugins/x.jpi',
      'plugins/x.hpi',
      'a/b.par',
      'a/b.sar',
    ])
      expect(javaCataloger.claims({ ...header, path })).toBe(true);
    for (const path of ['a/b.zip', 'a/b.jar.sha1', 'a/pom.xml', 'a/gradle.lockfile'])
      expect(javaCataloger.claims({ ...header, path })).toBe(false);
    // Links and empty files are claimed too, so that they hide an archive in a lower layer.
    expect(javaCataloger.claims({ ...header, path: 'a/b.jar', type: 'symlink', size: 0 })).toBe(
      true,
    );
    expect(javaCataloger.claims({ ...header, path: 'a/b.jar', size: 0 })).toBe(true);
  });
});

describe('java cataloger on archives built here with the JDK jar tool', () => {
  const built: Record<string, string> = {};
  let reference = new Map<string, string[]>();

  beforeAll(async () => {
    const lib = async (
      name: string,
      groupId: string,
      artifactId: string,
      version: string,
    ): Promise<string> => {
      const dir = join(scratch, `src-${name}`);
      await writeTree(dir, {
        [`META-INF/maven/${groupId}/${artifactId}/pom.properties`]: pomProperties(
          groupId,
          artifactId,
          version,
        ),
        [`${artifactId}/Lib.class`]: 'not really a class',
      });
      const out = join(scratch, `${name}.jar`);
      await jarTool(out, dir);
      return out;
    };
    const war = join(scratch, 'war');
    await writeTree(war, {
      'WEB-INF/lib/jackson-databind-2.9.10.6.jar': await readFile(
        await lib('databind', 'com.fasterxml.jackson.core', 'jackson-databind', '2.9.10.6'),
      ),
      'WEB-INF/lib/commons-lang3-3.11.jar': await readFile(
        await lib('lang3', 'org.apache.commons', 'commons-lang3', '3.11'),
      ),
      [`META-INF/maven/com.example/web-app/pom.properties`]: pomProperties(
        'com.example',
        'web-app',
        '1.0-SNAPSHOT',
      ),
      'index.html': '<html></html>',
    });
    built['war'] = join(scratch, 'web-app-1.0-SNAPSHOT.war');
    await jarTool(built['war'], war);

    const ear = join(scratch, 'ear');
    await writeTree(ear, {
      'web.war': await readFile(built['war']),
      'lib/slf4j-api-1.7.30.jar': await readFile(
        await lib('slf4j', 'org.slf4j', 'slf4j-api', '1.7.30'),
      ),
    });
    built['ear'] = join(scratch, 'app.ear');
    await jarTool(built['ear'], ear);

    // A Spring Boot style fat jar: nested jars stored uncompressed under BOOT-INF/lib.
    const boot = join(scratch, 'boot');
    await writeTree(boot, {
      'BOOT-INF/lib/spring-core-5.3.3.jar': await readFile(
        await lib('spring', 'org.springframework', 'spring-core', '5.3.3'),
      ),
      'BOOT-INF/classes/application.properties': 'server.port=8080\n',
    });
    built['boot'] = join(scratch, 'service.jar');
    await jarTool(built['boot'], boot, { store: true });

    // A fat jar over the partial-read threshold: stored nested jars, one holding 4 MiB of data
    // nothing looks at (incompressible, so the inner jar stays that large).
    const bigDir = join(scratch, 'src-big');
    await writeTree(bigDir, {
      'META-INF/maven/com.example/big-lib/pom.properties': pomProperties(
        'com.example',
        'big-lib',
        '2.0.1',
      ),
      'big-lib/data.bin': randomBytes(4 * 1024 * 1024),
    });
    const bigJar = join(scratch, 'big-lib-2.0.1.jar');
    await jarTool(bigJar, bigDir);
    const fat = join(scratch, 'fat');
    await writeTree(fat, {
      'BOOT-INF/lib/big-lib-2.0.1.jar': await readFile(bigJar),
      'BOOT-INF/lib/spring-core-5.3.3.jar': await readFile(join(scratch, 'spring.jar')),
      'META-INF/maven/com.example/fat-service/pom.properties': pomProperties(
        'com.example',
        'fat-service',
        '1.0.0',
      ),
    });
    built['fat'] = join(scratch, 'fat-service-1.0.0.jar');
    await jarTool(built['fat'], fat, { store: true });

    // An OSGi bundle with no pom.properties: identity from the manifest.
    const bundle = join(scratch, 'bundle');
    await writeTree(bundle, {
      'MANIFEST.MF': [
        'Manifest-Version: 1.0',
        'Bundle-SymbolicName: com.fasterxml.jackson.core.jackson-core;singleton:=true',
        'Implementation-Vendor-Id: com.fasterxml.jackson.core',
        'Implementation-Title: Jackson-core',
        'Implementation-Version: 2.15.2',
        'Bundle-Version: 2.15.2',
        '',
      ].join('\n'),
      'content/com/fasterxml/jackson/core/JsonParser.class': 'x',
    });
    built['bundle'] = join(scratch, 'jackson-core-2.15.2.jar');
    await jarTool(built['bundle'], join(bundle, 'content'), {
      manifest: join(bundle, 'MANIFEST.MF'),
    });
    reference = await jdkPomPackagesOf(Object.values(built));
  });

  it.each(['war', 'ear', 'boot'])(
    '%s: the same pom.properties as the JDK, with nested locations',
    async (kind) => {
      const path = built[kind]!;
      const result = await parseAt(`opt/${kind}`, await readFile(path));
      expect(keys(result.packages)).toEqual(reference.get(path));
      expect(reference.get(path)?.length).toBeGreaterThan(0);
      expect(result.warnings).toBeUndefined();
    },
  );

  it('reads a large fat jar in a layer read by position only where the walk looks', async () => {
    const bytes = await readFile(built['fat']!);
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    const header = { path: 'opt/fat-service-1.0.0.jar', type: 'file' as const, mode: 0o644 };
    const { file, filled } = partialFileOf({ ...header, size: bytes.length }, bytes);
    expect(await javaCataloger.prefill?.(file)).toBe(true);
    // The end record (yauzl looks for it in an archive's last 64 KiB), the directories and the
    // pom.properties of both levels: not the 4 MiB.
    expect(filled()).toBeLessThan(256 * 1024);
    const whole = await parseAt(header.path, bytes);
    expect(keys(whole.packages)).toEqual(reference.get(built['fat']!));
    expect(keys(whole.packages)).toContain(
      'BOOT-INF/lib/big-lib-2.0.1.jar|com.example:big-lib@2.0.1',
    );
    expect(await javaCataloger.parse(file)).toEqual(whole);
    // A cataloger that did not do the filling reads the same from the filled bytes alone.
    expect(await createJavaCataloger().parse(file)).toEqual(whole);
  });

  it('locates packages of a war inside an ear two levels down', async () => {
    const result = await parseAt('opt/app.ear', await readFile(built['ear']!));
    expect(keys(result.packages)).toEqual([
      'lib/slf4j-api-1.7.30.jar|org.slf4j:slf4j-api@1.7.30',
      'web.war!WEB-INF/lib/commons-lang3-3.11.jar|org.apache.commons:commons-lang3@3.11',
      'web.war!WEB-INF/lib/jackson-databind-2.9.10.6.jar|com.fasterxml.jackson.core:jackson-databind@2.9.10.6',
      'web.war|com.example:web-app@1.0-SNAPSHOT',
    ]);
  });

  it('derives coordinates from an OSGi manifest (group from Implementation-Vendor-Id, artifact from the symbolic name)', async () => {
    const result = await parseAt('opt/jackson-core-2.15.2.jar', await readFile(built['bundle']!));
    expect(keys(result.packages, 'MANIFEST.MF')).toEqual([
      '|com.fasterxml.jackson.core:jackson-core@2.15.2',
    ]);
  });

  it('reports a jar reached through a Debian-style symlink at both paths, and lets an upper layer hide it', async () => {
    const content = await readFile(fixture('trivy', 'jackson-annotations-2.15.0-rc2.jar'));
    const linked = await catalogFiles(
      [
        { name: 'usr/share/java/jackson-annotations-2.15.0-rc2.jar', content },
        {
          name: 'usr/share/java/jackson-annotations.jar',
          type: 'symlink',
          linkname: 'jackson-annotations-2.15.0-rc2.jar',
        },
      ],
      [javaCataloger],
    );
    expect(linked.packages.map((p) => [p.purl, p.locations.map((l) => l.path).sort()])).toEqual([
      [
        'pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.15.0-rc2',
        [
          'usr/share/java/jackson-annotations-2.15.0-rc2.jar',
          'usr/share/java/jackson-annotations.jar',
        ],
      ],
    ]);
  });

  it('places packages in the layer that last wrote the archive, and drops an archive an upper layer emptied', async () => {
    const war = await readFile(fixture('trivy', 'gradle.war'));
    const jar = await readFile(fixture('trivy', 'nested.jar'));
    const dir = join(scratch, 'layered');
    await writeOciLayout(dir, {
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'opt/app.war', content: war },
            { name: 'opt/lib/nested.jar', content: jar },
          ],
        },
        {
          kind: 'entries',
          entries: [
            { name: 'opt/lib/nested.jar', content: '' },
            { name: 'opt/app2.war', content: war },
          ],
        },
      ],
    });
    const catalog = await catalogImageDir(dir, [javaCataloger]);
    expect(catalog.packages.some((p) => p.name.startsWith('nested'))).toBe(false);
    const log4j = catalog.packages
      .filter((p) => p.name === 'log4j')
      .map((p) => p.locations.map((l) => [l.path, l.layerIndex]));
    expect(log4j).toEqual([
      [['opt/app.war!WEB-INF/lib/log4j-1.2.17.jar', 0]],
      [['opt/app2.war!WEB-INF/lib/log4j-1.2.17.jar', 1]],
    ]);
  });

  it('catalogs a war end to end: purls and app.war!WEB-INF/lib/x.jar locations with the layer', async () => {
    const content = await readFile(fixture('trivy', 'gradle.war'));
    const catalog = await catalogFiles({ 'usr/local/tomcat/webapps/app.war': content }, [
      javaCataloger,
    ]);
    const log4j = catalog.packages.find((p) => p.purl === 'pkg:maven/log4j/log4j@1.2.17');
    expect(log4j?.locations.map((l) => [l.path, l.layerIndex])).toEqual([
      ['usr/local/tomcat/webapps/app.war!WEB-INF/lib/log4j-1.2.17.jar', 0],
    ]);
    expect(log4j?.locations[0]?.layerDiffId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(catalog.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:maven/commons-dbcp/commons-dbcp@1.4',
      'pkg:maven/commons-pool/commons-pool@1.6',
      'pkg:maven/log4j/log4j@1.2.17',
      'pkg:maven/org.apache.commons/commons-compress@1.19',
    ]);
  });

  it('lists the real fixtures directory completely (no archive left untested)', async () => {
    const files = (await readdir(fixture('trivy'))).filter((f) => /\.(?:jar|war)$/.test(f));
    expect(files.sort()).toEqual(
      ARCHIVES.filter(([dir]) => dir === 'trivy')
        .map(([, f]) => f)
        .sort(),
    );
  });

  it('stops at the nesting bound with a warning (scalibr nested_at_10.jar with a bound of 5)', async () => {
    const shallow = createJavaCataloger({
      maxDepth: 5,
      maxTotalBytes: 1024 * 1024,
      maxTextBytes: 4096,
    });
    const result = await parseAt(
      'opt/nested_at_10.jar',
      await readFile(fixture('scalibr', 'nested_at_10.jar')),
      shallow,
    );
    expect(result.packages).toEqual([]);
    expect(result.warnings).toEqual([
      'nested.jar!nested.jar!nested.jar!nested.jar!nested.jar!nested.jar: nested deeper than 5 archive levels; not read',
    ]);
  });
});
