import * as z from 'zod';

/** Who typed the command or pressed the button, in the platform's own ids. */
export const requesterSchema = z.object({ id: z.string().min(1), name: z.string() });
export type Requester = z.infer<typeof requesterSchema>;
