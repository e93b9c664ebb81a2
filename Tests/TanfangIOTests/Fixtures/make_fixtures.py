#!/usr/bin/env python3
"""Writes the roster fixtures with writers other than ours (Python's codecs and openpyxl).

Run from this folder: `python3 make_fixtures.py` (needs `pip install openpyxl xlsxwriter`).
Two workbook writers on purpose: XlsxWriter stores strings in the shared-strings part as Excel does,
openpyxl 3.1 writes them inline.
The ID numbers are made up but valid (GB 11643-1999 check characters), unless a row says otherwise.
"""
import datetime


WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check(first17):
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def make_id(birth, seq, want=None):
    """An ID born on `birth` (YYYYMMDD); the sequence is moved on until the check is `want`."""
    while True:
        first17 = "650102" + birth + "%03d" % seq
        c = check(first17)
        if want is None or c == want:
            return first17 + c
        seq += 2  # keep the gender (odd male, even female)


def full_width(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


# Female, born 1944-05-12; typed with full-width digits.
WANG = make_id("19440512", 122)
# Male, born 1950-03-06, check character X; typed with a lowercase x.
LI = make_id("19500306", 131, want="X")
# Female, born 1938-11-02; its check character is then made wrong.
ZHANG_GOOD = make_id("19381102", 246)
ZHANG_BAD = ZHANG_GOOD[:17] + ("1" if ZHANG_GOOD[17] != "1" else "2")
# Male, born 1946-07-20 (the row without a name).
NONAME = make_id("19460720", 311)
# Male, born 1941-01-15 (the row with the unknown category).
ZHAO = make_id("19410115", 457)


def gbk_csv():
    """As Excel on Chinese Windows saves "CSV (逗号分隔)": GBK bytes, CRLF, a title row padded with commas."""
    rows = [
        "XX村特殊困难老年人台账,,,,,,,,",
        "序号,姓名,性别,身份证号码,出生日期,联系电话,村（社区）,类别,备注",
        "1,王秀英,女,%s,,139 1234 5678,幸福村,独居、空巢," % full_width(WANG),
        '2,李建国,男,%s,1950年3月6日,+86 138-0000-1111,幸福村,失能,"住院一次,已出院"' % LI.lower(),
        "3,张兰,女,%s,,,幸福村,留守," % ZHANG_BAD,
        "4,,男,%s,,,幸福村,特困," % NONAME,
        "5,赵德明,男,%s,,,幸福村,孤寡," % ZHAO,
        "6,,,,,,,,",
    ]
    with open("roster-gbk.csv", "wb") as f:
        f.write(("\r\n".join(rows) + "\r\n").encode("gbk"))


def utf8_bom_tsv():
    """UTF-8 with BOM, tab-separated, LF line ends, columns in another order, a quoted line break."""
    rows = [
        "身份证号\t姓名\t出生年月\t手机\t人员类别\t失能程度\t赡养人\t赡养人电话\t家庭住址\t民族",
        "%s\t王秀英\t1944.5\t13912345678\t独居 高龄\t\t李明\t0991-4567890\t\"天山区幸福路 12 号\n3 单元\"\t汉族" % WANG,
        "\t阿不都·热合曼\t1950.3\t\t半失能\t轻度\t\t\t幸福村\t维吾尔族",
        "\t古丽\t1952/2/30\t1391234567\t空巢\t\t\t\t幸福村\t维吾尔族",
    ]
    with open("roster-utf8-bom.tsv", "wb") as f:
        f.write(("\ufeff" + "\n".join(rows) + "\n").encode("utf-8"))


# The roster sheet written to both workbooks: (cell, kind, value[, number format]).
# Row 2 and row 5 stay empty; B6 (gender) and H4 (note) are gaps; C7 is an ID that Excel turned into
# a number (15 significant digits).
TITLE = "XX村特殊困难老年人台账"
HEADERS = ["姓名", "性别", "公民身份号码", "出生日期", "联系电话", "所属村", "老人类别", "备注"]
CELLS = [
    ("A4", "str", "王秀英"), ("B4", "str", "女"), ("C4", "str", WANG),
    ("D4", "date", datetime.date(1944, 5, 12), "yyyy-mm-dd"), ("E4", "num", 13912345678),
    ("F4", "str", "幸福村"), ("G4", "str", "独居,空巢"),
    ("A6", "str", "李建国"), ("C6", "str", LI),
    ("D6", "date", datetime.date(1950, 3, 6), 'yyyy"年"m"月"d"日"'),
    ("F6", "str", "幸福村"), ("G6", "str", "失能"), ("H6", "rich", ["需", "重点", "关注"]),
    ("A7", "str", "张兰"), ("C7", "num", float(ZHANG_GOOD[:15] + "000"), "0"),
    ("F7", "str", "幸福村"), ("G7", "str", "留守"),
]


def xlsx_xlsxwriter():
    """XlsxWriter writes like Excel: shared strings (rich text as runs), styles for dates."""
    import xlsxwriter

    wb = xlsxwriter.Workbook("roster.xlsx")
    wb.set_properties({"created": datetime.datetime(2026, 1, 1)})
    ws = wb.add_worksheet("台账")
    ws.merge_range("A1:H1", TITLE)
    for i, h in enumerate(HEADERS):
        ws.write_string(2, i, h)
    bold = wb.add_format({"bold": True})
    formats = {}
    for cell in CELLS:
        ref, kind, value = cell[0], cell[1], cell[2]
        fmt = None
        if len(cell) > 3:
            fmt = formats.setdefault(cell[3], wb.add_format({"num_format": cell[3]}))
        if kind == "str":
            ws.write_string(ref, value)
        elif kind == "num":
            ws.write_number(ref, value, fmt)
        elif kind == "date":
            ws.write_datetime(ref, datetime.datetime.combine(value, datetime.time()), fmt)
        elif kind == "rich":
            ws.write_rich_string(ref, value[0], bold, value[1], value[2])
    notes = wb.add_worksheet("说明")
    notes.write_string("A1", "填表说明")
    notes.write_number("B2", 3.5)
    notes.write_boolean("C2", True)
    wb.close()


def xlsx_openpyxl():
    """openpyxl (3.1) writes every string inline (`t="inlineStr"`), rich text as runs."""
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = TITLE
    ws.merge_cells("A1:H1")
    for i, h in enumerate(HEADERS, start=1):
        ws.cell(row=3, column=i, value=h)
    for cell in CELLS:
        ref, kind, value = cell[0], cell[1], cell[2]
        if kind == "rich":
            ws[ref] = CellRichText([value[0], TextBlock(InlineFont(b=True), value[1]), value[2]])
        else:
            ws[ref] = value
        if len(cell) > 3:
            ws[ref].number_format = cell[3]
    notes = wb.create_sheet("说明")
    notes["A1"] = "填表说明"
    notes["B2"] = 3.5
    notes["C2"] = True
    wb.save("roster-openpyxl.xlsx")


if __name__ == "__main__":
    gbk_csv()
    utf8_bom_tsv()
    xlsx_xlsxwriter()
    xlsx_openpyxl()
    print("WANG", WANG, "LI", LI, "ZHANG", ZHANG_BAD, "NONAME", NONAME, "ZHAO", ZHAO)
