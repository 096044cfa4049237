/** How many rows of each long list (questions, follow-ups, buyers) a screen asks a report for: the
 * recap page asks for this many, and the hub warms exactly that report when a show ends. No imports,
 * so the renderer can share it. */
export const SCREEN_REPORT_LIMIT = 200;
