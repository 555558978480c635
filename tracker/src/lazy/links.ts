// Link clicks: file downloads (a whitepaper download is a buying signal) and outbound links.
import { loc } from '../dom.js';
import { core, list } from './core.js';

/**
 * Documents, spreadsheets, decks, data and installers (add others with data-download-ext). Matched
 * against the lowercased path: Report.PDF counts; data-download-ext is written lowercase.
 */
const DOWNLOAD = RegExp(
  '\\.(' +
    ['pdf|(doc|xls|ppt)x?|csv|zip|dmg|exe|msi|pkg', ...list(core.$d.downloadExt)].join('|') +
    ')$',
);

/** `link` was clicked (cl.js hands over every click in an <a>). */
export const clicked = (link: HTMLAnchorElement): void => {
  // The anchor's own URL parts; an <a> without href has no host or path, so nothing matches.
  const ext = link.pathname.toLowerCase().match(DOWNLOAD);
  // mailto:, tel:, javascript: … have no host.
  if (ext || (link.host && link.host != loc.host)) {
    // file_type is left out (undefined) for outbound links.
    core.track(ext ? 'file_download' : 'outbound_link_clicked', {
      url: core.$x(link.href),
      file_type: (ext || [])[1],
    });
    core.$f(); // the click usually leaves the page
  }
};
