/** The reasons the hub records for the end of a deal or coupon that have words on the screens. */
const WORDED = ['time', 'stopped', 'sold_out', 'claimed_out', 'session_end'];

/** How a deal's or coupon's end reads on a screen: the i18n key of its reason, or null for one without words. */
export function endReasonKey(reason: string | null): string | null {
  return reason && WORDED.includes(reason) ? `deal.reason.${reason}` : null;
}
