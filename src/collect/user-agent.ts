import { UAParser } from 'ua-parser-js';
import { isBot } from 'ua-parser-js/helpers';

export interface ParsedUserAgent {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  deviceType: string;
  bot: boolean;
  botReason: string | null;
}

// Automation and headless browsers that present themselves as ordinary browsers.
const AUTOMATION =
  /HeadlessChrome|PhantomJS|Puppeteer|Playwright|Selenium|WebDriver|Lighthouse|Chrome-Lighthouse|Cypress|jsdom|python-requests|curl\/|wget\/|Go-http-client|axios\/|node-fetch|okhttp/i;
const GENERIC_BOT = /bot\b|crawl|spider|slurp|preview|monitor|scanner|fetcher/i;

/** Browser, OS and device type of a user agent, and whether it is a bot or a headless browser (kept, but excluded from reports by default). */
export function parseUserAgent(ua: string): ParsedUserAgent {
  const r = new UAParser(ua).getResult();
  const automation = AUTOMATION.exec(ua);
  const known = isBot(r);
  const generic = !known && !automation ? GENERIC_BOT.exec(ua) : null;
  const bot = Boolean(automation) || known || Boolean(generic) || ua.trim() === '';
  const reason = automation
    ? `automation: ${automation[0]}`
    : known
      ? `bot: ${r.browser.name ?? 'known crawler'}`
      : generic
        ? `bot pattern: ${generic[0]}`
        : ua.trim() === ''
          ? 'empty user agent'
          : null;
  return {
    browser: r.browser.name ?? null,
    browserVersion: r.browser.version ?? null,
    os: r.os.name ?? null,
    // ua-parser-js leaves the type empty for desktop browsers
    deviceType: r.device.type ?? (bot ? 'bot' : 'desktop'),
    bot,
    botReason: reason,
  };
}
