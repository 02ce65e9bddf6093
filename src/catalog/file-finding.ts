/**
 * A finding about one file, from an analyzer that runs in the layer pass next to the catalogers:
 * a secret in its text, a setuid bit on it. Severity uses the shared rule severities.
 */
export interface FileFinding {
  /** The analyzer's family: `secret`, `file-permission`, … */
  readonly kind: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
  readonly category?: string | undefined;
  /** 1-based line, for text findings. */
  readonly line?: number | undefined;
  /** Context with any secret masked. */
  readonly excerpt?: string | undefined;
}

/** A file finding placed in the image: which layer's file, and whether the final image still has it. */
export interface LocatedFileFinding extends FileFinding {
  readonly path: string;
  readonly layerIndex: number;
  readonly layerDiffId: string | undefined;
  /** False when a later layer deleted or replaced the file: it is still in the image's history. */
  readonly visible: boolean;
}
