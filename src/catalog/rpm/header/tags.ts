/**
 * The rpm header tags and data types this cataloger reads (rpm's include/rpm/rpmtag.h).
 * Tag numbers are part of rpm's on-disk format and have not changed since rpm 4.0.
 */
export const Tag = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  summary: 1004,
  size: 1009,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  oldFilenames: 1027,
  sourceRpm: 1044,
  provideName: 1047,
  requireName: 1049,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  longSize: 5009,
  modularityLabel: 5096,
} as const;

/** rpm's `rpmTagType` values: the on-disk type of an index entry. */
export const TagType = {
  null: 0,
  char: 1,
  int8: 2,
  int16: 3,
  int32: 4,
  int64: 5,
  string: 6,
  bin: 7,
  stringArray: 8,
  i18nString: 9,
} as const;

export type TagTypeCode = (typeof TagType)[keyof typeof TagType];
