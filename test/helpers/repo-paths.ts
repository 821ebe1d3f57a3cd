import { fileURLToPath } from 'node:url';

/** Repository root, so tests run the same files whatever the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SITE_ROOT = `${REPO_ROOT}examples/marketing-site`;
/**
 * The script-tag build, as `npm run build -w @cairn/browser` writes it. CAIRN_TEST_SDK_BUNDLE
 * runs the browser proofs on another build (an older one, to see a proof fail without its fix).
 */
export const SDK_BUNDLE = process.env.CAIRN_TEST_SDK_BUNDLE || `${REPO_ROOT}packages/browser/dist/cairn.js`;
