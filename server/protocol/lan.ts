/**
 * `GET /api/lan` (operator token): how tablets on the studio network reach this hub, so the control
 * window can show a prompter pairing QR code. Only the viewer token is ever put in these URLs.
 */
export interface LanInfo {
  /** The address the hub listens on (`0.0.0.0`, `::`, `127.0.0.1`, …). */
  host: string;
  port: number;
  /** True when other machines can connect (listening on every interface). */
  listeningOnAll: boolean;
  /** This machine's non-internal IPv4 addresses. */
  addresses: string[];
  /** `http://ADDR:PORT/?token=VIEWER#/prompter`, one per address; empty unless `listeningOnAll`. */
  viewerUrls: string[];
  /** Why there are no LAN URLs and what to do about it, in a sentence; null when there are some. */
  hint: string | null;
  /**
   * The OBS browser source for the deal overlay on this machine, viewer token included:
   * `http://127.0.0.1:PORT/overlay/deal?token=VIEWER` (the bound address when it is a single one).
   */
  overlayUrl: string;
}
