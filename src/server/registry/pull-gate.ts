/** Why a pull is refused: a one-line message and the spec's flat `detail` object. */
export interface PullDenial {
  readonly message: string;
  readonly detail: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Called on every manifest GET after the access decision (scanning's per-project gate plugs in
 * here); undefined lets the pull through, a denial is answered 403 DENIED. It runs on the hot
 * path, so it must be synchronous and decide from memory.
 */
export interface PullGate {
  check(repository: string, digest: string): PullDenial | undefined;
}
