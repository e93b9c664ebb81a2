#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
// Swift 6 rejects the C globals as shared mutable state; read them through functions.
static inline WINDOW *tf_stdscr(void) { return stdscr; }
static inline int tf_lines(void) { return LINES; }
static inline int tf_cols(void) { return COLS; }
static inline int tf_wcwidth(wchar_t c) { return wcwidth(c); }
