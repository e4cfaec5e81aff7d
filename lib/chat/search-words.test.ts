import { describe, expect, it } from "vitest";
import { COMMON_WORD_SHARE, splitByShare } from "./search-words";

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
});
