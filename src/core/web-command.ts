import { z } from 'zod';

/**
 * The argv that starts an app's web process (`apps.<name>.webCommand`), e.g.
 * ["bin/rails", "server"]. The agent writes it one word per line for the app's
 * launcher, so a word holds no line break or control character; it is never a shell string.
 */
export const webCommandSchema = z
  .array(
    z
      .string()
      .min(1)
      .max(500)
      .refine((word) => !/[\u0000-\u001f\u007f]/.test(word), 'must not contain line breaks or control characters'),
  )
  .min(1)
  .max(64);
