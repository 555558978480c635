// Link clicks: file downloads (a whitepaper download is a buying signal) and outbound links.
import { downloadExts } from './config.js';
import { track } from './api.js';
import { clean } from './redact.js';
import { loc, on } from './dom.js';
import { flush } from './transport.js';

/**
 * Documents, spreadsheets, decks, data and installers (add others with data-download-ext). Matched
 * against the lowercased path: Report.PDF counts; data-download-ext is written lowercase.
 */
const DOWNLOAD = RegExp('\\.(' + ['pdf|(doc|xls|ppt)x?|csv|zip|dmg|exe|msi|pkg', ...downloadExts].join('|') + ')$');

on('click', (e: MouseEvent) => {
  // The anchor's own URL parts; an <a> without href has no host or path, so nothing matches.
  const url = (e.target as Element).closest('a')!;
  const ext = url.pathname.toLowerCase().match(DOWNLOAD);
  // mailto:, tel:, javascript: … have no host.
  if (ext || (url.host && url.host != loc.host)) {
    // file_type is left out (undefined) for outbound links.
    track(ext ? 'file_download' : 'outbound_link_clicked', { url: clean(url.href), file_type: (ext || [])[1] });
    flush(); // the click usually leaves the page
  }
});
