//! The built-in token symbols (protocol.md §6.5, data from `ST/subnets/symbols.rs`).
//!
//! [`SYMBOLS`] is indexed by netuid: a new subnet takes the symbol at its own netuid if no
//! subnet uses it, else the first unused symbol after root's (`get_next_available_symbol`).
//! Index 0 (`Τ`, upper-case tau) is root's and can never be chosen by `update_symbol`.
//!
//! # Invariants
//! - The table has 439 distinct UTF-8 entries, in the reference's order (a symbol's index
//!   is the netuid that gets it by default, so the order is consensus data).

use crate::ctx::ensure;
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::{NetUid, TOKEN_SYMBOL};

/// Root's symbol `Τ`, also the fallback once every symbol is taken (`DEFAULT_SYMBOL`).
pub const DEFAULT_SYMBOL: &[u8] = b"\xCE\xA4";

/// Every built-in symbol, as UTF-8 bytes, indexed by the netuid that gets it by default.
pub static SYMBOLS: [&[u8]; 439] = [
    b"\xCE\xA4",         // 0: Τ
    b"\xCE\xB1",         // 1: α
    b"\xCE\xB2",         // 2: β
    b"\xCE\xB3",         // 3: γ
    b"\xCE\xB4",         // 4: δ
    b"\xCE\xB5",         // 5: ε
    b"\xCE\xB6",         // 6: ζ
    b"\xCE\xB7",         // 7: η
    b"\xCE\xB8",         // 8: θ
    b"\xCE\xB9",         // 9: ι
    b"\xCE\xBA",         // 10: κ
    b"\xCE\xBB",         // 11: λ
    b"\xCE\xBC",         // 12: μ
    b"\xCE\xBD",         // 13: ν
    b"\xCE\xBE",         // 14: ξ
    b"\xCE\xBF",         // 15: ο
    b"\xCF\x80",         // 16: π
    b"\xCF\x81",         // 17: ρ
    b"\xCF\x83",         // 18: σ
    b"\x74",             // 19: t
    b"\xCF\x85",         // 20: υ
    b"\xCF\x86",         // 21: φ
    b"\xCF\x87",         // 22: χ
    b"\xCF\x88",         // 23: ψ
    b"\xCF\x89",         // 24: ω
    b"\xD7\x90",         // 25: א
    b"\xD7\x91",         // 26: ב
    b"\xD7\x92",         // 27: ג
    b"\xD7\x93",         // 28: ד
    b"\xD7\x94",         // 29: ה
    b"\xD7\x95",         // 30: ו
    b"\xD7\x96",         // 31: ז
    b"\xD7\x97",         // 32: ח
    b"\xD7\x98",         // 33: ט
    b"\xD7\x99",         // 34: י
    b"\xD7\x9A",         // 35: ך
    b"\xD7\x9B",         // 36: כ
    b"\xD7\x9C",         // 37: ל
    b"\xD7\x9D",         // 38: ם
    b"\xD7\x9E",         // 39: מ
    b"\xD7\x9F",         // 40: ן
    b"\xD7\xA0",         // 41: נ
    b"\xD7\xA1",         // 42: ס
    b"\xD7\xA2",         // 43: ע
    b"\xD7\xA3",         // 44: ף
    b"\xD7\xA4",         // 45: פ
    b"\xD7\xA5",         // 46: ץ
    b"\xD7\xA6",         // 47: צ
    b"\xD7\xA7",         // 48: ק
    b"\xD7\xA8",         // 49: ר
    b"\xD7\xA9",         // 50: ש
    b"\xD7\xAA",         // 51: ת
    b"\xD8\xA7",         // 52: ا
    b"\xD8\xA8",         // 53: ب
    b"\xD8\xAA",         // 54: ت
    b"\xD8\xAB",         // 55: ث
    b"\xD8\xAC",         // 56: ج
    b"\xD8\xAD",         // 57: ح
    b"\xD8\xAE",         // 58: خ
    b"\xD8\xAF",         // 59: د
    b"\xD8\xB0",         // 60: ذ
    b"\xD8\xB1",         // 61: ر
    b"\xD8\xB2",         // 62: ز
    b"\xD8\xB3",         // 63: س
    b"\xD8\xB4",         // 64: ش
    b"\xD8\xB5",         // 65: ص
    b"\xD8\xB6",         // 66: ض
    b"\xD8\xB7",         // 67: ط
    b"\xD8\xB8",         // 68: ظ
    b"\xD8\xB9",         // 69: ع
    b"\xD8\xBA",         // 70: غ
    b"\xD9\x81",         // 71: ف
    b"\xD9\x82",         // 72: ق
    b"\xD9\x83",         // 73: ك
    b"\xD9\x84",         // 74: ل
    b"\xD9\x85",         // 75: م
    b"\xD9\x86",         // 76: ن
    b"\xD9\x87",         // 77: ه
    b"\xD9\x88",         // 78: و
    b"\xD9\x8A",         // 79: ي
    b"\xD9\x89",         // 80: ى
    b"\xE1\x9A\xA0",     // 81: ᚠ
    b"\xE1\x9A\xA2",     // 82: ᚢ
    b"\xE1\x9A\xA6",     // 83: ᚦ
    b"\xE1\x9A\xA8",     // 84: ᚨ
    b"\xE1\x9A\xB1",     // 85: ᚱ
    b"\xE1\x9A\xB3",     // 86: ᚳ
    b"\xD0\xAB",         // 87: Ы
    b"\xE1\x9B\x89",     // 88: ᛉ
    b"\xE1\x9B\x92",     // 89: ᛒ
    b"\xE1\x9A\x80",     // 90:
    b"\xE1\x9A\x81",     // 91: ᚁ
    b"\xE1\x9A\x82",     // 92: ᚂ
    b"\xE1\x9A\x83",     // 93: ᚃ
    b"\xE1\x9A\x84",     // 94: ᚄ
    b"\xE1\x9A\x85",     // 95: ᚅ
    b"\xE1\x9A\x9B",     // 96: ᚛
    b"\xE1\x83\x90",     // 97: ა
    b"\xE1\x83\x91",     // 98: ბ
    b"\xE1\x83\x92",     // 99: გ
    b"\xE1\x83\x93",     // 100: დ
    b"\xE1\x83\x94",     // 101: ე
    b"\xE1\x83\x95",     // 102: ვ
    b"\xD4\xB1",         // 103: Ա
    b"\xD4\xB2",         // 104: Բ
    b"\xD4\xB3",         // 105: Գ
    b"\xD4\xB4",         // 106: Դ
    b"\xD4\xB5",         // 107: Ե
    b"\xD4\xB6",         // 108: Զ
    b"\xD5\x9E",         // 109: ՞
    b"\xD0\x80",         // 110: Ѐ
    b"\xD0\x81",         // 111: Ё
    b"\xD0\x82",         // 112: Ђ
    b"\xD0\x83",         // 113: Ѓ
    b"\xD0\x84",         // 114: Є
    b"\xD0\x85",         // 115: Ѕ
    b"\xD1\x8A",         // 116: ъ
    b"\xE2\xB2\x80",     // 117: Ⲁ
    b"\xE2\xB2\x81",     // 118: ⲁ
    b"\xE2\xB2\x82",     // 119: Ⲃ
    b"\xE2\xB2\x83",     // 120: ⲃ
    b"\xE2\xB2\x84",     // 121: Ⲅ
    b"\xE2\xB2\x85",     // 122: ⲅ
    b"\xF0\x91\x80\x80", // 123: 𑀀
    b"\xF0\x91\x80\x81", // 124: 𑀁
    b"\xF0\x91\x80\x82", // 125: 𑀂
    b"\xF0\x91\x80\x83", // 126: 𑀃
    b"\xF0\x91\x80\x85", // 127: 𑀅
    b"\xE0\xB6\xB1",     // 128: න
    b"\xE0\xB6\xB3",     // 129: ඳ
    b"\xE0\xB6\xB4",     // 130: ප
    b"\xE0\xB6\xB5",     // 131: ඵ
    b"\xE0\xB6\xB6",     // 132: බ
    b"\xE0\xB6\xB7",     // 133: භ
    b"\xE2\xB0\x80",     // 134: Ⰰ
    b"\xE2\xB0\x81",     // 135: Ⰱ
    b"\xE2\xB0\x82",     // 136: Ⰲ
    b"\xE2\xB0\x83",     // 137: Ⰳ
    b"\xE2\xB0\x84",     // 138: Ⰴ
    b"\xE2\xB0\x85",     // 139: Ⰵ
    b"\xE2\xB0\x86",     // 140: Ⰶ
    b"\xE2\xB0\x87",     // 141: Ⰷ
    b"\xE2\xB0\x88",     // 142: Ⰸ
    b"\xE2\xB0\x89",     // 143: Ⰹ
    b"\xE2\xB0\x8A",     // 144: Ⰺ
    b"\xE2\xB0\x8B",     // 145: Ⰻ
    b"\xE2\xB0\x8C",     // 146: Ⰼ
    b"\xE2\xB0\x8D",     // 147: Ⰽ
    b"\xE2\xB0\x8E",     // 148: Ⰾ
    b"\xE2\xB0\x8F",     // 149: Ⰿ
    b"\xE2\xB0\x90",     // 150: Ⱀ
    b"\xE2\xB0\x91",     // 151: Ⱁ
    b"\xE2\xB0\x92",     // 152: Ⱂ
    b"\xE2\xB0\x93",     // 153: Ⱃ
    b"\xE2\xB0\x94",     // 154: Ⱄ
    b"\xE2\xB0\x95",     // 155: Ⱅ
    b"\xE2\xB0\x96",     // 156: Ⱆ
    b"\xE2\xB0\x97",     // 157: Ⱇ
    b"\xE2\xB0\x98",     // 158: Ⱈ
    b"\xE2\xB0\x99",     // 159: Ⱉ
    b"\xE2\xB0\x9A",     // 160: Ⱊ
    b"\xE2\xB0\x9B",     // 161: Ⱋ
    b"\xE2\xB0\x9C",     // 162: Ⱌ
    b"\xE2\xB0\x9D",     // 163: Ⱍ
    b"\xE2\xB0\x9E",     // 164: Ⱎ
    b"\xE2\xB0\x9F",     // 165: Ⱏ
    b"\xE2\xB0\xA0",     // 166: Ⱐ
    b"\xE0\xB8\x81",     // 167: ก
    b"\xE0\xB8\x82",     // 168: ข
    b"\xE0\xB8\x83",     // 169: ฃ
    b"\xE0\xB8\x84",     // 170: ค
    b"\xE0\xB8\x85",     // 171: ฅ
    b"\xE0\xB8\x86",     // 172: ฆ
    b"\xE0\xB8\x87",     // 173: ง
    b"\xE0\xB8\x88",     // 174: จ
    b"\xE0\xB8\x89",     // 175: ฉ
    b"\xE0\xB8\x8A",     // 176: ช
    b"\xE0\xB8\x8B",     // 177: ซ
    b"\xE0\xB8\x8C",     // 178: ฌ
    b"\xE0\xB8\x8D",     // 179: ญ
    b"\xE0\xB8\x8E",     // 180: ฎ
    b"\xE0\xB8\x8F",     // 181: ฏ
    b"\xE0\xB8\x90",     // 182: ฐ
    b"\xE0\xB8\x91",     // 183: ฑ
    b"\xE0\xB8\x92",     // 184: ฒ
    b"\xE0\xB8\x93",     // 185: ณ
    b"\xE0\xB8\x94",     // 186: ด
    b"\xE0\xB8\x95",     // 187: ต
    b"\xE0\xB8\x96",     // 188: ถ
    b"\xE0\xB8\x97",     // 189: ท
    b"\xE0\xB8\x98",     // 190: ธ
    b"\xE0\xB8\x99",     // 191: น
    b"\xE0\xB8\x9A",     // 192: บ
    b"\xE0\xB8\x9B",     // 193: ป
    b"\xE0\xB8\x9C",     // 194: ผ
    b"\xE0\xB8\x9D",     // 195: ฝ
    b"\xE0\xB8\x9E",     // 196: พ
    b"\xE0\xB8\x9F",     // 197: ฟ
    b"\xE0\xB8\xA0",     // 198: ภ
    b"\xE0\xB8\xA1",     // 199: ม
    b"\xE0\xB8\xA2",     // 200: ย
    b"\xE0\xB8\xA3",     // 201: ร
    b"\xE0\xB8\xA5",     // 202: ล
    b"\xE0\xB8\xA7",     // 203: ว
    b"\xE0\xB8\xA8",     // 204: ศ
    b"\xE0\xB8\xA9",     // 205: ษ
    b"\xE0\xB8\xAA",     // 206: ส
    b"\xE0\xB8\xAB",     // 207: ห
    b"\xE0\xB8\xAC",     // 208: ฬ
    b"\xE0\xB8\xAD",     // 209: อ
    b"\xE0\xB8\xAE",     // 210: ฮ
    b"\xE3\x84\xB1",     // 211: ㄱ
    b"\xE3\x84\xB4",     // 212: ㄴ
    b"\xE3\x84\xB7",     // 213: ㄷ
    b"\xE3\x84\xB9",     // 214: ㄹ
    b"\xE3\x85\x81",     // 215: ㅁ
    b"\xE3\x85\x82",     // 216: ㅂ
    b"\xE3\x85\x85",     // 217: ㅅ
    b"\xE3\x85\x87",     // 218: ㅇ
    b"\xE3\x85\x88",     // 219: ㅈ
    b"\xE3\x85\x8A",     // 220: ㅊ
    b"\xE3\x85\x8B",     // 221: ㅋ
    b"\xE3\x85\x8C",     // 222: ㅌ
    b"\xE3\x85\x8D",     // 223: ㅍ
    b"\xE3\x85\x8E",     // 224: ㅎ
    b"\xE3\x85\x8F",     // 225: ㅏ
    b"\xE3\x85\x90",     // 226: ㅐ
    b"\xE3\x85\x91",     // 227: ㅑ
    b"\xE3\x85\x92",     // 228: ㅒ
    b"\xE3\x85\x93",     // 229: ㅓ
    b"\xE3\x85\x94",     // 230: ㅔ
    b"\xE3\x85\x95",     // 231: ㅕ
    b"\xE3\x85\x96",     // 232: ㅖ
    b"\xE3\x85\x97",     // 233: ㅗ
    b"\xE3\x85\x98",     // 234: ㅘ
    b"\xE3\x85\x99",     // 235: ㅙ
    b"\xE3\x85\x9A",     // 236: ㅚ
    b"\xE3\x85\x9B",     // 237: ㅛ
    b"\xE3\x85\x9C",     // 238: ㅜ
    b"\xE3\x85\x9D",     // 239: ㅝ
    b"\xE3\x85\x9E",     // 240: ㅞ
    b"\xE3\x85\x9F",     // 241: ㅟ
    b"\xE3\x85\xA0",     // 242: ㅠ
    b"\xE3\x85\xA1",     // 243: ㅡ
    b"\xE3\x85\xA2",     // 244: ㅢ
    b"\xE3\x85\xA3",     // 245: ㅣ
    b"\xE1\x8A\xA0",     // 246: አ
    b"\xE1\x8A\xA1",     // 247: ኡ
    b"\xE1\x8A\xA2",     // 248: ኢ
    b"\xE1\x8A\xA3",     // 249: ኣ
    b"\xE1\x8A\xA4",     // 250: ኤ
    b"\xE1\x8A\xA5",     // 251: እ
    b"\xE1\x8A\xA6",     // 252: ኦ
    b"\xE1\x8A\xA7",     // 253: ኧ
    b"\xE1\x8B\x88",     // 254: ወ
    b"\xE1\x8B\x89",     // 255: ዉ
    b"\xE1\x8B\x8A",     // 256: ዊ
    b"\xE1\x8B\x8B",     // 257: ዋ
    b"\xE1\x8B\x8C",     // 258: ዌ
    b"\xE1\x8B\x8D",     // 259: ው
    b"\xE1\x8B\x8E",     // 260: ዎ
    b"\xE1\x8A\xB0",     // 261: ኰ
    b"\xE1\x8A\xB1",     // 262: ኱
    b"\xE1\x8A\xB2",     // 263: ኲ
    b"\xE1\x8A\xB3",     // 264: ኳ
    b"\xE1\x8A\xB4",     // 265: ኴ
    b"\xE1\x8A\xB5",     // 266: ኵ
    b"\xE1\x8A\xB6",     // 267: ኶
    b"\xE1\x8C\x90",     // 268: ጐ
    b"\xE1\x8C\x91",     // 269: ጑
    b"\xE1\x8C\x92",     // 270: ጒ
    b"\xE1\x88\x98",     // 271: መ
    b"\xE1\x8C\x94",     // 272: ጔ
    b"\xE1\x8C\x95",     // 273: ጕ
    b"\xE1\x8C\x96",     // 274: ጖
    b"\xE0\xA4\x85",     // 275: अ
    b"\xE0\xA4\x86",     // 276: आ
    b"\xE0\xA4\x87",     // 277: इ
    b"\xE0\xA4\x88",     // 278: ई
    b"\xE0\xA4\x89",     // 279: उ
    b"\xE0\xA4\x8A",     // 280: ऊ
    b"\xE0\xA4\x8B",     // 281: ऋ
    b"\xE0\xA4\x8F",     // 282: ए
    b"\xE0\xA4\x90",     // 283: ऐ
    b"\xE0\xA4\x93",     // 284: ओ
    b"\xE0\xA4\x94",     // 285: औ
    b"\xE0\xA4\x95",     // 286: क
    b"\xE0\xA4\x96",     // 287: ख
    b"\xE0\xA4\x97",     // 288: ग
    b"\xE0\xA4\x98",     // 289: घ
    b"\xE0\xA4\x99",     // 290: ङ
    b"\xE0\xA4\x9A",     // 291: च
    b"\xE0\xA4\x9B",     // 292: छ
    b"\xE0\xA4\x9C",     // 293: ज
    b"\xE0\xA4\x9D",     // 294: झ
    b"\xE0\xA4\x9E",     // 295: ञ
    b"\xE0\xA4\x9F",     // 296: ट
    b"\xE0\xA4\xA0",     // 297: ठ
    b"\xE0\xA4\xA1",     // 298: ड
    b"\xE0\xA4\xA2",     // 299: ढ
    b"\xE0\xA4\xA3",     // 300: ण
    b"\xE0\xA4\xA4",     // 301: त
    b"\xE0\xA4\xA5",     // 302: थ
    b"\xE0\xA4\xA6",     // 303: द
    b"\xE0\xA4\xA7",     // 304: ध
    b"\xE0\xA4\xA8",     // 305: न
    b"\xE0\xA4\xAA",     // 306: प
    b"\xE0\xA4\xAB",     // 307: फ
    b"\xE0\xA4\xAC",     // 308: ब
    b"\xE0\xA4\xAD",     // 309: भ
    b"\xE0\xA4\xAE",     // 310: म
    b"\xE0\xA4\xAF",     // 311: य
    b"\xE0\xA4\xB0",     // 312: र
    b"\xE0\xA4\xB2",     // 313: ल
    b"\xE0\xA4\xB5",     // 314: व
    b"\xE0\xA4\xB6",     // 315: श
    b"\xE0\xA4\xB7",     // 316: ष
    b"\xE0\xA4\xB8",     // 317: स
    b"\xE0\xA4\xB9",     // 318: ह
    b"\xE3\x82\xA2",     // 319: ア
    b"\xE3\x82\xA4",     // 320: イ
    b"\xE3\x82\xA6",     // 321: ウ
    b"\xE3\x82\xA8",     // 322: エ
    b"\xE3\x82\xAA",     // 323: オ
    b"\xE3\x82\xAB",     // 324: カ
    b"\xE3\x82\xAD",     // 325: キ
    b"\xE3\x82\xAF",     // 326: ク
    b"\xE3\x82\xB1",     // 327: ケ
    b"\xE3\x82\xB3",     // 328: コ
    b"\xE3\x82\xB5",     // 329: サ
    b"\xE3\x82\xB7",     // 330: シ
    b"\xE3\x82\xB9",     // 331: ス
    b"\xE3\x82\xBB",     // 332: セ
    b"\xE3\x82\xBD",     // 333: ソ
    b"\xE3\x82\xBF",     // 334: タ
    b"\xE3\x83\x81",     // 335: チ
    b"\xE3\x83\x84",     // 336: ツ
    b"\xE3\x83\x86",     // 337: テ
    b"\xE3\x83\x88",     // 338: ト
    b"\xE3\x83\x8A",     // 339: ナ
    b"\xE3\x83\x8B",     // 340: ニ
    b"\xE3\x83\x8C",     // 341: ヌ
    b"\xE3\x83\x8D",     // 342: ネ
    b"\xE3\x83\x8E",     // 343: ノ
    b"\xE3\x83\x8F",     // 344: ハ
    b"\xE3\x83\x92",     // 345: ヒ
    b"\xE3\x83\x95",     // 346: フ
    b"\xE3\x83\x98",     // 347: ヘ
    b"\xE3\x83\x9B",     // 348: ホ
    b"\xE3\x83\x9E",     // 349: マ
    b"\xE3\x83\x9F",     // 350: ミ
    b"\xE3\x83\xA0",     // 351: ム
    b"\xE3\x83\xA1",     // 352: メ
    b"\xE3\x83\xA2",     // 353: モ
    b"\xE3\x83\xA4",     // 354: ヤ
    b"\xE3\x83\xA6",     // 355: ユ
    b"\xE3\x83\xA8",     // 356: ヨ
    b"\xE3\x83\xA9",     // 357: ラ
    b"\xE3\x83\xAA",     // 358: リ
    b"\xE3\x83\xAB",     // 359: ル
    b"\xE3\x83\xAC",     // 360: レ
    b"\xE3\x83\xAD",     // 361: ロ
    b"\xE3\x83\xAF",     // 362: ワ
    b"\xE3\x83\xB2",     // 363: ヲ
    b"\xE3\x83\xB3",     // 364: ン
    b"\xE2\xB4\xB0",     // 365: ⴰ
    b"\xE2\xB4\xB1",     // 366: ⴱ
    b"\xE2\xB4\xB2",     // 367: ⴲ
    b"\xE2\xB4\xB3",     // 368: ⴳ
    b"\xE2\xB4\xB4",     // 369: ⴴ
    b"\xE2\xB4\xB5",     // 370: ⴵ
    b"\xE2\xB4\xB6",     // 371: ⴶ
    b"\xE2\xB4\xB7",     // 372: ⴷ
    b"\xE2\xB4\xB8",     // 373: ⴸ
    b"\xE2\xB4\xB9",     // 374: ⴹ
    b"\xE2\xB4\xBA",     // 375: ⴺ
    b"\xE2\xB4\xBB",     // 376: ⴻ
    b"\xE2\xB4\xBC",     // 377: ⴼ
    b"\xE2\xB4\xBD",     // 378: ⴽ
    b"\xE2\xB4\xBE",     // 379: ⴾ
    b"\xE2\xB4\xBF",     // 380: ⴿ
    b"\xE2\xB5\x80",     // 381: ⵀ
    b"\xE2\xB5\x81",     // 382: ⵁ
    b"\xE2\xB5\x82",     // 383: ⵂ
    b"\xE2\xB5\x83",     // 384: ⵃ
    b"\xE2\xB5\x84",     // 385: ⵄ
    b"\xE2\xB5\x85",     // 386: ⵅ
    b"\xE2\xB5\x86",     // 387: ⵆ
    b"\xE2\xB5\x87",     // 388: ⵇ
    b"\xE2\xB5\x88",     // 389: ⵈ
    b"\xE2\xB5\x89",     // 390: ⵉ
    b"\xE2\xB5\x8A",     // 391: ⵊ
    b"\xE2\xB5\x8B",     // 392: ⵋ
    b"\xE2\xB5\x8C",     // 393: ⵌ
    b"\xE2\xB5\x8D",     // 394: ⵍ
    b"\xE2\xB5\x8E",     // 395: ⵎ
    b"\xE2\xB5\x8F",     // 396: ⵏ
    b"\xE2\xB5\x90",     // 397: ⵐ
    b"\xE2\xB5\x91",     // 398: ⵑ
    b"\xE2\xB5\x92",     // 399: ⵒ
    b"\xE2\xB5\x93",     // 400: ⵓ
    b"\xE0\xB6\x85",     // 401: අ
    b"\xE0\xB6\x86",     // 402: ආ
    b"\xE0\xB6\x89",     // 403: ඉ
    b"\xE0\xB6\x8A",     // 404: ඊ
    b"\xE0\xB6\x8B",     // 405: උ
    b"\xE0\xB6\x8C",     // 406: ඌ
    b"\xE0\xB6\x8D",     // 407: ඍ
    b"\xE0\xB6\x8E",     // 408: ඎ
    b"\xE0\xB6\x8F",     // 409: ඏ
    b"\xE0\xB6\x90",     // 410: ඐ
    b"\xE0\xB6\x91",     // 411: එ
    b"\xE0\xB6\x92",     // 412: ඒ
    b"\xE0\xB6\x93",     // 413: ඓ
    b"\xE0\xB6\x94",     // 414: ඔ
    b"\xE0\xB6\x95",     // 415: ඕ
    b"\xE0\xB6\x96",     // 416: ඖ
    b"\xE0\xB6\x9A",     // 417: ක
    b"\xE0\xB6\x9B",     // 418: ඛ
    b"\xE0\xB6\x9C",     // 419: ග
    b"\xE0\xB6\x9D",     // 420: ඝ
    b"\xE0\xB6\x9E",     // 421: ඞ
    b"\xE0\xB6\xA0",     // 422: ච
    b"\xE0\xB6\xA1",     // 423: ඡ
    b"\xE0\xB6\xA2",     // 424: ජ
    b"\xE0\xB6\xA3",     // 425: ඣ
    b"\xE0\xB6\xA4",     // 426: ඤ
    b"\xE0\xB6\xA7",     // 427: ට
    b"\xE0\xB6\xA5",     // 428: ඥ
    b"\xE0\xB6\xA6",     // 429: ඦ
    b"\xE0\xB6\xA9",     // 430: ඩ
    b"\xE0\xB6\xA8",     // 431: ඨ
    b"\xE0\xB6\xAA",     // 432: ඪ
    b"\xE0\xB6\xAB",     // 433: ණ
    b"\xE0\xB6\xAC",     // 434: ඬ
    b"\xE0\xB6\xAD",     // 435: ත
    b"\xE0\xB6\xAE",     // 436: ථ
    b"\xE0\xB6\xAF",     // 437: ද
    b"\xE0\xB6\xB0",     // 438: ධ
];

/// The default symbol of `netuid`: the table entry at its index, or [`DEFAULT_SYMBOL`] past
/// the end (`get_symbol_for_subnet`).
pub fn symbol_for_netuid(netuid: NetUid) -> &'static [u8] {
    SYMBOLS
        .get(usize::from(netuid))
        .copied()
        .unwrap_or(DEFAULT_SYMBOL)
}

/// True if some subnet (or a netuid root gave a symbol to) already uses `symbol`.
fn symbol_in_use(st: &Overlay<'_>, symbol: &[u8]) -> bool {
    TOKEN_SYMBOL
        .iter(st)
        .into_iter()
        .any(|(_, s)| s.as_slice() == symbol)
}

/// The symbol a subnet registered at `netuid` gets (`get_next_available_symbol`): its own
/// table entry if unused, else the first unused entry after root's, else [`DEFAULT_SYMBOL`].
pub fn next_available_symbol(st: &Overlay<'_>, netuid: NetUid) -> Vec<u8> {
    let own = symbol_for_netuid(netuid);
    if !symbol_in_use(st, own) {
        return own.to_vec();
    }
    let used: std::collections::BTreeSet<Vec<u8>> =
        TOKEN_SYMBOL.iter(st).into_iter().map(|(_, s)| s).collect();
    SYMBOLS
        .iter()
        .skip(1)
        .find(|s| !used.contains(**s))
        .map_or_else(|| DEFAULT_SYMBOL.to_vec(), |s| s.to_vec())
}

/// `SymbolDoesNotExist` unless `symbol` is a table entry other than root's.
pub fn ensure_symbol_exists(symbol: &[u8]) -> DispatchResult {
    ensure(
        SYMBOLS.iter().skip(1).any(|s| *s == symbol),
        Error::SymbolDoesNotExist,
    )
}

/// `SymbolAlreadyInUse` if any stored token symbol equals `symbol` (the caller's own subnet
/// included, as in the reference).
pub fn ensure_symbol_available(st: &Overlay<'_>, symbol: &[u8]) -> DispatchResult {
    ensure(!symbol_in_use(st, symbol), Error::SymbolAlreadyInUse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_distinct_utf8_with_root_first() {
        let set: std::collections::BTreeSet<&[u8]> = SYMBOLS.iter().copied().collect();
        assert_eq!(set.len(), SYMBOLS.len());
        assert!(SYMBOLS.iter().all(|s| std::str::from_utf8(s).is_ok()));
        assert_eq!(SYMBOLS[0], DEFAULT_SYMBOL);
        assert_eq!(SYMBOLS[1], "\u{3b1}".as_bytes());
        assert_eq!(symbol_for_netuid(439), DEFAULT_SYMBOL);
        assert_eq!(
            ensure_symbol_exists(DEFAULT_SYMBOL),
            Err(Error::SymbolDoesNotExist)
        );
        assert_eq!(ensure_symbol_exists(SYMBOLS[438]), Ok(()));
    }
}
