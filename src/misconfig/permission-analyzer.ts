import { defineCataloger, type FileFinding } from '../catalog/index.js';

const SETUID = 0o4000;
const SETGID = 0o2000;
const WORLD_WRITABLE = 0o002;

/** Records setuid, setgid and world-writable regular files in the layer pass (header only). */
export const permissionAnalyzer = defineCataloger({
  id: 'file-permissions',
  displayName: 'File permission bits',
  urls: ['https://man7.org/linux/man-pages/man7/inode.7.html'],
  packageTypes: [],
  version: 1,
  claims: (file) => file.type === 'file' && (file.mode & (SETUID | SETGID | WORLD_WRITABLE)) !== 0,
  parse(file) {
    const findings: FileFinding[] = [];
    const add = (ruleId: string, title: string): void => {
      findings.push({ kind: 'file-permission', ruleId, title, severity: 'LOW' });
    };
    if (file.mode & SETUID) add('setuid', 'setuid file');
    if (file.mode & SETGID) add('setgid', 'setgid file');
    if (file.mode & WORLD_WRITABLE) add('world-writable', 'world-writable file');
    return { findings };
  },
});
