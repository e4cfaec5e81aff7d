import { describe, expect, it } from "vitest";
import { COMMON_WORD_SHARE, planSearch, prefixShare, RARE_PREFIX_SHARE, splitByShare } from "./search-words";

const word = (lexeme: string) => ({ query: `'${lexeme}'`, lexeme });

describe("which words the search index scans", () => {
  it("scans the rare words and checks the common ones on what the scan finds", () => {
    const shares = new Map([
      ["message", 1],
      ["of", 0.98],
      ["44", 0.002],
    ]);
    expect(splitByShare([word("message"), word("44"), word("of")], shares)).toEqual({
      indexed: ["'44'"],
      checked: ["'message'", "'of'"],
    });
  });

  it("a word missing from the statistics is rarer than every word in them, so it is scanned", () => {
    expect(splitByShare([word("rash"), word("the")], new Map([["the", 0.6]]))).toEqual({
      indexed: ["'rash'"],
      checked: ["'the'"],
    });
    // No statistics yet (before the first ANALYZE): every word is scanned, as before.
    expect(splitByShare([word("a"), word("b")], new Map())).toEqual({ indexed: ["'a'", "'b'"], checked: [] });
  });

  it("when every word is common, scans only the rarest of them", () => {
    const shares = new Map([
      ["visit", 0.4],
      ["note", 0.2],
      ["today", 0.9],
    ]);
    expect(splitByShare([word("visit"), word("note"), word("today")], shares)).toEqual({
      indexed: ["'note'"],
      checked: ["'visit'", "'today'"],
    });
  });

  it("the line between rare and common is the share, exclusive", () => {
    const at = new Map([["x", COMMON_WORD_SHARE]]);
    const below = new Map([["x", COMMON_WORD_SHARE - 0.001]]);
    expect(splitByShare([word("x"), word("y")], at)).toEqual({ indexed: ["'y'"], checked: ["'x'"] });
    expect(splitByShare([word("x"), word("y")], below)).toEqual({ indexed: ["'x'", "'y'"], checked: [] });
    expect(splitByShare([], at)).toEqual({ indexed: [], checked: [] });
  });

  it("a prefix is as common as the words it begins, added up, at most all messages", () => {
    const shares = new Map([
      ["room", 0.9],
      ["rash", 0.02],
      ["ro", 0.01],
      ["road", 0.2],
    ]);
    expect(prefixShare("'ro':*", shares)).toBe(1);
    expect(prefixShare("'roo':*", shares)).toBe(0.9);
    expect(prefixShare("'ra':*", shares)).toBe(0.02);
    expect(prefixShare("'zz':*", shares)).toBe(0);
    // Only tsquery prefix text counts.
    expect(prefixShare("'ro'", shares)).toBe(0);
    expect(prefixShare("", shares)).toBe(0);
  });

  it("plans a search: the prefix checked beside whole words, scanned alone or when very rare beside common ones", () => {
    const shares = new Map([
      ["message", 1],
      ["of", 0.98],
      ["room", 0.9],
      ["12", 0.03],
      ["44", 0.002],
    ]);
    // Every whole word common: newest first, then the rarest of them; the prefix checked.
    expect(planSearch([word("message"), word("of")], "'ro':*", shares)).toEqual({
      indexed: ["'of'"],
      checked: ["'message'", "'ro':*"],
      newestFirst: true,
    });
    // A prefix commoner than RARE_PREFIX_SHARE is still only checked.
    expect(planSearch([word("message")], "'12':*", shares)).toMatchObject({
      indexed: ["'message'"],
      newestFirst: true,
    });
    // A very rare prefix beside common words is what the index scans, at once.
    expect(planSearch([word("message"), word("of")], "'lisinopr':*", shares)).toEqual({
      indexed: ["'lisinopr':*"],
      checked: ["'message'", "'of'"],
      newestFirst: false,
    });
    // A rare whole word: scanned, everything else checked, no reading newest first.
    expect(planSearch([word("message"), word("44")], "'ro':*", shares)).toEqual({
      indexed: ["'44'"],
      checked: ["'message'", "'ro':*"],
      newestFirst: false,
    });
    // Typed alone, the prefix is scanned, newest first when it is common.
    expect(planSearch([], "'mess':*", shares)).toEqual({ indexed: ["'mess':*"], checked: [], newestFirst: true });
    expect(planSearch([], "'lisinopr':*", shares)).toEqual({
      indexed: ["'lisinopr':*"],
      checked: [],
      newestFirst: false,
    });
    expect(planSearch([], null, shares)).toEqual({ indexed: [], checked: [], newestFirst: false });
    // No statistics yet: nothing is common, every word is scanned.
    expect(planSearch([word("message")], "'ro':*", new Map())).toEqual({
      indexed: ["'message'"],
      checked: ["'ro':*"],
      newestFirst: false,
    });
    expect(RARE_PREFIX_SHARE).toBeLessThan(COMMON_WORD_SHARE);
  });
});
