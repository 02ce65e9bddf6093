import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** What Lockyard keeps of one `<definition>` until the tests it points at have been read. */
export interface OvalDefinition {
  readonly id: string;
  readonly cls: string;
  title: string;
  readonly platforms: string[];
  readonly products: string[];
  readonly references: { source: string; refId: string; refUrl: string | undefined }[];
  description: string;
  dsa: string;
  date: string;
  moreinfo: string;
  /**
   * Every criterion's test_ref in document order, with the Debian release its criteria branch
   * requires ("Debian 12 is installed"): older files put several releases in one definition.
   */
  readonly testRefs: { ref: string; release?: string }[];
}

export interface OvalTest {
  readonly kind: string;
  readonly objectRef: string | undefined;
  readonly stateRef: string | undefined;
}

export interface OvalState {
  readonly evr: string;
  readonly operation: string;
}

export interface OvalDocument {
  readonly generatedAt: string | undefined;
  /** Definitions serialized one string each: a third of the memory of the objects. */
  readonly definitions: string[];
  readonly tests: Map<string, OvalTest>;
  /** dpkginfo_object id -> package name. */
  readonly objects: Map<string, string>;
  readonly states: Map<string, OvalState>;
}

/** The comment Debian's generator gives a release criterion: "Debian 12 is installed". */
const RELEASE_CRITERION = /^Debian (?:GNU\/Linux )?(?<release>\d+(?:\.\d+)?) is installed$/;

/** Element names without their namespace prefix (feeds differ: `dpkginfo_test`, `linux-def:dpkginfo_test`). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * A copy of a string that does not share memory with the parser's input chunk. V8 represents
 * substrings as slices of their parent, so one kept id would keep a whole 64 KiB chunk alive;
 * across 26,000 kept definitions that is the difference between 25 MB and several hundred.
 */
function detach(value: string): string {
  return value.length < 13 ? value : Buffer.from(value, 'utf8').toString('utf8');
}

function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const value = tag.attributes[name];
  return typeof value === 'string' ? detach(value) : undefined;
}

/**
 * Streams an OVAL 5 definitions document. OVAL puts `<definitions>` before the `<tests>`,
 * `<objects>` and `<states>` they refer to, so definitions are kept in a compact form (text
 * fields and test ids only) and resolved by the caller once the document has ended. The XML
 * itself is never held: memory grows with the number of definitions (about 25 MB for Debian
 * 12's 26,000), not with the file.
 */
/** The kept definitions, decoded one at a time (they are this module's own serialization). */
export function* definitionsOf(doc: OvalDocument): Generator<OvalDefinition> {
  for (const text of doc.definitions) yield JSON.parse(text) as OvalDefinition;
}

export async function parseOval(stream: Readable): Promise<OvalDocument> {
  const doc: OvalDocument = {
    generatedAt: undefined,
    definitions: [],
    tests: new Map(),
    objects: new Map(),
    states: new Map(),
  };
  let generatedAt: string | undefined;
  const parser = new SaxesParser({ xmlns: false, position: true });
  const path: string[] = [];
  let definition: OvalDefinition | undefined;
  let test:
    | { id: string; kind: string; objectRef?: string | undefined; stateRef?: string | undefined }
    | undefined;
  let objectId: string | undefined;
  let stateId: string | undefined;
  let stateOperation = 'equals';
  let text = '';
  let capturing = false;
  /** The release each open <criteria> of the current definition requires, innermost last. */
  const releases: (string | undefined)[] = [];

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = local(tag.name);
    const parent = path[path.length - 1];
    const section = path[1];
    path.push(name);
    text = '';
    capturing = false;
    if (section === 'definitions' || (name === 'definition' && parent === 'definitions')) {
      if (name === 'definition') {
        definition = {
          id: attr(tag, 'id') ?? '',
          cls: attr(tag, 'class') ?? '',
          title: '',
          platforms: [],
          products: [],
          references: [],
          description: '',
          dsa: '',
          date: '',
          moreinfo: '',
          testRefs: [],
        };
      } else if (definition !== undefined) {
        if (name === 'reference') {
          definition.references.push({
            source: attr(tag, 'source') ?? '',
            refId: attr(tag, 'ref_id') ?? '',
            refUrl: attr(tag, 'ref_url'),
          });
        } else if (name === 'criteria') {
          releases.push(undefined);
        } else if (name === 'criterion') {
          const ref = attr(tag, 'test_ref');
          const release = RELEASE_CRITERION.exec(attr(tag, 'comment') ?? '')?.groups?.['release'];
          if (release !== undefined && releases.length > 0) releases[releases.length - 1] = release;
          else if (ref !== undefined) {
            const inherited = releases.findLast((value) => value !== undefined);
            definition.testRefs.push(
              inherited === undefined ? { ref } : { ref, release: inherited },
            );
          }
        } else {
          capturing = [
            'title',
            'platform',
            'product',
            'description',
            'dsa',
            'date',
            'moreinfo',
          ].includes(name);
        }
      }
      return;
    }
    if (section === 'tests' || (parent === 'tests' && path.length === 3)) {
      if (path.length === 3) test = { id: attr(tag, 'id') ?? '', kind: name };
      else if (test !== undefined && name === 'object') test.objectRef = attr(tag, 'object_ref');
      else if (test !== undefined && name === 'state') test.stateRef = attr(tag, 'state_ref');
      return;
    }
    if (section === 'objects' && path.length === 3 && name === 'dpkginfo_object') {
      objectId = attr(tag, 'id');
      return;
    }
    if (section === 'objects' && objectId !== undefined && name === 'name') {
      capturing = true;
      return;
    }
    if (section === 'states' && path.length === 3 && name === 'dpkginfo_state') {
      stateId = attr(tag, 'id');
      return;
    }
    if (section === 'states' && stateId !== undefined && name === 'evr') {
      stateOperation = attr(tag, 'operation') ?? 'equals';
      capturing = true;
      return;
    }
    if (name === 'timestamp' && path[1] === 'generator') capturing = true;
  });

  const onText = (chunk: string): void => {
    if (capturing) text += chunk;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', () => {
    const name = path.pop() ?? '';
    const value = detach(text.trim());
    const wasCapturing = capturing;
    capturing = false;
    text = '';
    if (definition !== undefined) {
      if (name === 'criteria') releases.pop();
      if (name === 'definition' && path.length === 2) {
        releases.length = 0;
        doc.definitions.push(JSON.stringify(definition));
        definition = undefined;
        return;
      }
      if (!wasCapturing) return;
      switch (name) {
        case 'title':
          definition.title = value;
          break;
        case 'platform':
          definition.platforms.push(value);
          break;
        case 'product':
          definition.products.push(value);
          break;
        case 'description':
          definition.description = value;
          break;
        case 'dsa':
          definition.dsa = value;
          break;
        case 'date':
          definition.date = value;
          break;
        case 'moreinfo':
          definition.moreinfo = value;
          break;
      }
      return;
    }
    if (test !== undefined && path.length === 2) {
      doc.tests.set(test.id, {
        kind: test.kind,
        objectRef: test.objectRef,
        stateRef: test.stateRef,
      });
      test = undefined;
    } else if (objectId !== undefined && wasCapturing && name === 'name') {
      doc.objects.set(objectId, value);
    } else if (objectId !== undefined && path.length === 2) {
      objectId = undefined;
    } else if (stateId !== undefined && wasCapturing && name === 'evr') {
      doc.states.set(stateId, { evr: value, operation: stateOperation });
    } else if (stateId !== undefined && path.length === 2) {
      stateId = undefined;
    } else if (wasCapturing && name === 'timestamp') {
      generatedAt = value;
    }
  });

  // Text is decoded with a StringDecoder so a UTF-8 character split across chunks survives.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream) {
    parser.write(decoder.write(chunk as Buffer));
  }
  parser.write(decoder.end());
  parser.close();
  return { ...doc, generatedAt };
}
