// The parts of the official CycloneDX library that Lockyard uses, imported by subpath: the
// package root also loads its JSON-schema and XML validators (ajv and friends), ~25 ms of every
// CLI run that renders CycloneDX. Tests that validate output import `/Validation` themselves.
export * as Enums from '@cyclonedx/cyclonedx-library/Enums';
export * as License from '@cyclonedx/cyclonedx-library/Contrib/License';
export * as Models from '@cyclonedx/cyclonedx-library/Models';
export * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
export * as Spec from '@cyclonedx/cyclonedx-library/Spec';
