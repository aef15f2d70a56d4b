// Moved to core, where the encoder engines need it too; re-exported for the heads that import it here.
export { withoutPooler } from '@wb/core';
