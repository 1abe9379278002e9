package xlsx_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"jinhui/shared/xlsx"
)

// TestBook: two sheets, each title, header and rows in order, read back.
func TestBook(t *testing.T) {
	b := xlsx.New()
	s, err := b.Sheet("统计", "市中区工作统计", []string{"区划", "探访次数"}, 20, 10)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Row("舜玉路街道", 12)
	_ = s.Row("合计", 12)
	w, err := b.Sheet("微心愿", "", []string{"月份", "发布"})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Row("2026-11", 3)
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "统计" || got[1] != "微心愿" {
		t.Fatalf("sheets %v", got)
	}
	rows, _ := f.GetRows("统计")
	if len(rows) != 4 || rows[0][0] != "市中区工作统计" || rows[1][1] != "探访次数" || rows[2][0] != "舜玉路街道" || rows[3][1] != "12" {
		t.Fatalf("统计 rows %v", rows)
	}
	rows, _ = f.GetRows("微心愿")
	if len(rows) != 2 || rows[0][0] != "月份" || rows[1][1] != "3" {
		t.Fatalf("微心愿 rows %v", rows)
	}
}
