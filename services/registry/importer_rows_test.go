package registry

import (
	"strings"
	"testing"
)

// TestRowLimits: a sheet row is checked by the same limits as a form
// (issue 19: the import re-checked by hand and missed address ≤ 200 and
// poverty number ≤ 32), and the problem names the sheet's column.
func TestRowLimits(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{"姓名": "王秀英", "身份证号": "370102194503120021", "电话": "13800000001", "村代码": "370101001001",
			"地址": "张家村 3 号", "建档立卡": "是", "贫困户编号": "P-001"}
	}
	if _, p := rowInput(Row{N: 2, Cells: base()}); p != nil {
		t.Fatalf("a good row is refused: %+v", p)
	}
	for col, v := range map[string]string{"地址": strings.Repeat("路", 201), "贫困户编号": strings.Repeat("9", 33), "姓名": strings.Repeat("王", 33)} {
		c := base()
		c[col] = v
		_, p := rowInput(Row{N: 7, Cells: c})
		if p == nil || p.Field != col || p.Row != 7 || strings.ContainsAny(p.Problem, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s of %d characters: %+v, want a Chinese problem naming %s", col, len([]rune(v)), p, col)
		}
	}
}
