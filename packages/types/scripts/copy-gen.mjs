// tsc does not copy hand-shipped .js/.d.ts files: copy the generated protobuf modules into dist.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(pkg, 'src', 'gen'), join(pkg, 'dist', 'gen'), {
  recursive: true,
  filter: (src) => !src.endsWith('.test.ts'),
});
