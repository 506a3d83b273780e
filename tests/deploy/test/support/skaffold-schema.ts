import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SKAFFOLD_VERSION } from '../../src/skaffold';

/** The apiVersion skaffold.yaml uses: the newest Skaffold 2.16 reads. */
export const API_VERSION = 'skaffold/v4beta13';

/** Go's module cache, where the Skaffold module lands when `npm run cluster` builds Skaffold. */
const modCache = () => process.env.GOMODCACHE || join(process.env.GOPATH || join(homedir(), 'go'), 'pkg', 'mod');

/**
 * The JSON schema of API_VERSION that ships in the Skaffold module itself (docs-v2/content/en/schemas),
 * the version that reads skaffold.yaml here; or a one-line reason to skip.
 */
export function skaffoldSchemaFile(): { file: string } | { skip: string } {
  // Go escapes upper-case letters in module paths as !lower.
  const module = join(modCache(), 'github.com', '!google!container!tools', 'skaffold', `v2@v${SKAFFOLD_VERSION}`);
  const file = join(module, 'docs-v2', 'content', 'en', 'schemas', `${API_VERSION.split('/')[1]}.json`);
  if (existsSync(file)) return { file };
  return { skip: `skipped: ${file} is absent: the Skaffold ${SKAFFOLD_VERSION} module is not in Go's module cache (\`npm run cluster -- up\` builds Skaffold from it; \`go mod download github.com/GoogleContainerTools/skaffold/v2@v${SKAFFOLD_VERSION}\` fetches it alone)` };
}
