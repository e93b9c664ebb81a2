import Testing
@testable import TanfangUI

@Suite("Table")
struct TableTests {
    let table = Table(
        columns: [
            TableColumn("姓名", minWidth: 8, flex: 1, maxWidth: 12),
            TableColumn("年龄", minWidth: 4, alignment: .right),
            TableColumn("村（社区）", minWidth: 10, flex: 2),
            TableColumn("下次探访", minWidth: 10),
            TableColumn("状态", minWidth: 6),
        ],
        rows: [
            ["王秀英", "82", "红旗村", "2026-12-01", "在册"],
            ["欧阳建国", "79", "阿克苏地区阿克苏市幸福路街道幸福路社区第三网格", "2026-11-25", "住院"],
            ["Ali Hasan", "90", "团结村", "", "迁出"],
        ]
    )

    func render(width: Int, height: Int = 4, state: TableState = TableState(selected: 1)) -> Grid {
        var grid = Grid(width: width, height: height)
        table.render(into: &grid, area: grid.bounds, state: state)
        return grid
    }

    @Test("Spare width goes to flexible columns up to their maximum")
    func widths() {
        // 80 columns: 4 gaps, minimums 38; 姓名 stops at its max 12, 村 takes the rest
        #expect(table.columnWidths(for: 80) == [12, 4, 44, 10, 6])
        #expect(table.columnWidths(for: 120) == [12, 4, 84, 10, 6])
        // Exactly the minimums
        #expect(table.columnWidths(for: 42) == [8, 4, 10, 10, 6])
        // Narrower than the minimums: left columns keep theirs, the right ones lose
        #expect(table.columnWidths(for: 30) == [8, 4, 10, 5, 0])
    }

    @Test("At 80 columns Chinese names line up and a long village ends in an ellipsis")
    func render80() {
        let grid = render(width: 80)
        #expect(grid.lines() == [
            "姓名         年龄 村（社区）                                   下次探访   状态",
            "王秀英         82 红旗村                                       2026-12-01 在册",
            "欧阳建国       79 阿克苏地区阿克苏市幸福路街道幸福路社区第三…  2026-11-25 住院",
            "Ali Hasan      90 团结村                                                  迁出",
        ])
    }

    @Test("At 120 columns the same table uses the room and shows the village whole")
    func render120() {
        let grid = render(width: 120)
        #expect(grid.lines() == [
            "姓名         年龄 村（社区）                                                                           下次探访   状态",
            "王秀英         82 红旗村                                                                               2026-12-01 在册",
            "欧阳建国       79 阿克苏地区阿克苏市幸福路街道幸福路社区第三网格                                       2026-11-25 住院",
            "Ali Hasan      90 团结村                                                                                          迁出",
        ])
    }

    @Test("The selected row is reversed across the full width; the header is bold")
    func selection() {
        let grid = render(width: 80)
        #expect(grid[x: 0, y: 0].style.bold)
        #expect(!grid[x: 0, y: 1].style.reverse)
        for x in [0, 12, 17, 62, 79] {
            #expect(grid[x: x, y: 2].style.reverse, "column \(x) of the selected row")
        }
        #expect(!grid[x: 0, y: 3].style.reverse)
    }

    @Test("Moving down past the last visible row scrolls by one")
    func scrolling() {
        // Given room for two data rows, with the first selected
        var state = TableState()
        let visible = table.visibleRows(height: 3)
        #expect(visible == 2)
        // When moving down twice
        state.move(by: 1, rowCount: 3, visibleRows: visible)
        state.move(by: 1, rowCount: 3, visibleRows: visible)
        // Then the selection is the third row and the view starts at the second
        #expect(state == TableState(selected: 2, offset: 1))
        #expect(render(width: 40, height: 3, state: state).lines().dropFirst().map { String($0.prefix(2)) }
            == ["欧阳", "Al"])
        // And moving past the end stays on the last row
        state.move(by: 5, rowCount: 3, visibleRows: visible)
        #expect(state.selected == 2)
    }

    @Test("Keys page and jump; a stale offset still shows the selection")
    func keys() {
        var state = TableState()
        do { let ok = state.handle(.end, rowCount: 100, visibleRows: 10); #expect(ok) }
        #expect(state == TableState(selected: 99, offset: 90))
        do { let ok = state.handle(.pageUp, rowCount: 100, visibleRows: 10); #expect(ok) }
        #expect(state == TableState(selected: 90, offset: 90))
        do { let ok = state.handle(.up, rowCount: 100, visibleRows: 10); #expect(ok) }
        #expect(state == TableState(selected: 89, offset: 89))
        do { let ok = state.handle(.home, rowCount: 100, visibleRows: 10); #expect(ok) }
        #expect(state == TableState(selected: 0, offset: 0))
        do { let ok = state.handle(.enter, rowCount: 100, visibleRows: 10); #expect(!ok) }
        // After a resize to fewer rows, render computes an offset that shows row 50
        let stale = TableState(selected: 50, offset: 0)
        #expect(stale.effectiveOffset(rowCount: 100, visibleRows: 5) == 46)
    }

    @Test("No rows: the selection is cleared and the empty message shown dimmed")
    func empty() {
        var state = TableState(selected: 3, offset: 2)
        state.clamp(rowCount: 0, visibleRows: 10)
        #expect(state == TableState(selected: nil, offset: 0))
        var emptyTable = table
        emptyTable.rows = []
        emptyTable.emptyMessage = "暂无记录"
        var grid = Grid(width: 30, height: 3)
        emptyTable.render(into: &grid, area: grid.bounds, state: state)
        #expect(grid.lines()[1] == "暂无记录")
        #expect(grid[x: 0, y: 1].style.dim)
    }
}
