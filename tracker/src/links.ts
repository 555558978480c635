// Link clicks: file downloads (a whitepaper download is a buying signal) and outbound links.
import { downloadExts } from './config.js';
import { track } from './api.js';
import { loc, on } from './dom.js';
import { flush } from './transport.js';

const DOWNLOAD = RegExp(
  '\\.(' + ['pdf|docx?|xlsx?|pptx?|csv|txt|rtf|od[tsp]|zip|rar|7z|t?gz|dmg|exe|msi|pkg|apk|epub|mp[34]|mov'].concat(downloadExts).join('|') + ')$',
  'i',
);

export const watchLinks = (): void =>
  on('click', (e: MouseEvent) => {
    const url = new URL(((e.target as Element).closest('a[href]') as HTMLAnchorElement).href);
    const ext = url.pathname.match(DOWNLOAD);
    if (ext) track('file_download', { url: url.href, file_type: ext[1]!.toLowerCase() });
    else if (/^http/.test(url.protocol) && url.host != loc.host) track('outbound_link_clicked', { url: url.href });
    else return;
    flush(); // the click usually leaves the page
  });
