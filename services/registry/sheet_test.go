package registry_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jinhui/services/registry"
	"jinhui/shared/apperr"
)

// xlsx builds a one-sheet workbook of rows × cols small cells, streamed.
func xlsx(t *testing.T, rows, cols int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= rows; r++ {
		row := make([]any, cols)
		for c := range row {
			row[c] = fmt.Sprintf("v%d", c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSheetBombsRefused: an xlsx that unpacks beyond MaxUnzipped, or has
// rows beyond MaxColumns wide, is refused before the sheet is read whole
// (finding 6: a 0.76 MB file unpacking to 168 MB held the server 48 s).
func TestSheetBombsRefused(t *testing.T) {
	small := xlsx(t, 3, 3)
	if rows, err := registry.ReadSheet("a.xlsx", small); err != nil || len(rows) != 2 {
		t.Fatalf("small sheet: %v %v", rows, err)
	}
	old := registry.MaxUnzipped
	registry.MaxUnzipped = 256 << 10
	t.Cleanup(func() { registry.MaxUnzipped = old })
	bomb := xlsx(t, 20_000, 4) // ~1.5 MB of XML, a small fraction zipped
	_, err := registry.ReadSheet("bomb.xlsx", bomb)
	if e := apperr.As(err); e == nil || e.Field != "file" || !strings.Contains(e.Message, "解压后超过") {
		t.Fatalf("zip bomb (%d bytes zipped): %v", len(bomb), err)
	}
	registry.MaxUnzipped = old
	_, err = registry.ReadSheet("wide.xlsx", xlsx(t, 2, registry.MaxColumns+1))
	if e := apperr.As(err); e == nil || !strings.Contains(e.Message, "列") {
		t.Fatalf("too wide: %v", err)
	}
}
