import { describe, expect, it } from "vitest";
import { COMMON_WORD_SHARE, everyWordCommon, prefixShare, splitByShare } from "./search-words";

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

  it("a prefix is as common as the most common word it begins", () => {
    const shares = new Map([
      ["room", 0.9],
      ["rash", 0.02],
      ["ro", 0.01],
    ]);
    expect(prefixShare("'ro':*", shares)).toBe(0.9);
    expect(prefixShare("'ra':*", shares)).toBe(0.02);
    expect(prefixShare("'zz':*", shares)).toBe(0);
    // Only tsquery prefix text counts.
    expect(prefixShare("'ro'", shares)).toBe(0);
    expect(prefixShare("", shares)).toBe(0);
  });

  it("reads the newest messages first only when every word and the prefix are common", () => {
    const shares = new Map([
      ["message", 1],
      ["of", 0.98],
      ["room", 0.9],
      ["44", 0.002],
    ]);
    expect(everyWordCommon([word("message"), word("of")], "'ro':*", shares)).toBe(true);
    expect(everyWordCommon([], "'mess':*", shares)).toBe(true);
    // A stop word as the last word leaves no prefix: the words decide.
    expect(everyWordCommon([word("message")], null, shares)).toBe(true);
    expect(everyWordCommon([word("message"), word("44")], "'ro':*", shares)).toBe(false);
    expect(everyWordCommon([word("message")], "'ra':*", shares)).toBe(false);
    expect(everyWordCommon([], null, shares)).toBe(false);
    // No statistics yet: nothing is common.
    expect(everyWordCommon([word("message")], "'ro':*", new Map())).toBe(false);
  });
});
