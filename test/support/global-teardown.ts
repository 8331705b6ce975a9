import { dropDatabase } from '../../platform/database';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__temporalDevServer?.stop();
  if (process.env.DATABASE_URL && process.env.KEEP_TEST_DATABASE !== '1') await dropDatabase(process.env.DATABASE_URL);
}
