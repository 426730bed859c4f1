package io.granary.testing;

/**
 * Java source with its comments, string and character literals and text blocks blanked out
 * (every character but the line ends becomes a space), so that a scan for names sees only code.
 * Not a full lexer: Unicode escapes are taken as written.
 */
final class CodeText {
  private CodeText() {}

  static String of(String source) {
    StringBuilder out = new StringBuilder(source);
    int n = source.length();
    int i = 0;
    while (i < n) {
      int end;
      if (source.startsWith("//", i)) {
        end = source.indexOf('\n', i);
        end = end < 0 ? n : end;
      } else if (source.startsWith("/*", i)) {
        end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
      } else if (source.startsWith("\"\"\"", i)) {
        end = literalEnd(source, i + 3, "\"\"\"");
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        end = literalEnd(source, i + 1, String.valueOf(source.charAt(i)));
      } else {
        i++;
        continue;
      }
      for (int k = i; k < end; k++) {
        if (out.charAt(k) != '\n') {
          out.setCharAt(k, ' ');
        }
      }
      i = end;
    }
    return out.toString();
  }

  /** Just past the {@code close} that ends a literal whose contents start at {@code from}. */
  private static int literalEnd(String source, int from, String close) {
    for (int k = from; k < source.length(); k++) {
      if (source.charAt(k) == '\\') {
        k++;
      } else if (source.startsWith(close, k)) {
        return k + close.length();
      }
    }
    return source.length();
  }
}
