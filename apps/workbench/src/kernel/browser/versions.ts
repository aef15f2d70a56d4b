/**
 * Versions of the packages bundled into the browser kernel, for its run record. The UI build
 * (`ui/build.ts`) replaces `WB_BUNDLED_VERSIONS` with them; unbundled (type-checking), it is empty.
 */
declare const WB_BUNDLED_VERSIONS: Record<string, string> | undefined;

export const bundledVersions: Record<string, string> = typeof WB_BUNDLED_VERSIONS === 'undefined' ? {} : WB_BUNDLED_VERSIONS;
