// Package xlsx is the one place spreadsheets are written: a workbook of
// sheets, each an optional title line, a header and rows streamed to the
// file (excelize's stream writer, so a county's register does not sit in
// memory cell by cell). Every export of the platform goes through it.
package xlsx

import (
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// ContentType is the MIME type of the files written here.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Book is a workbook being written. Use New, add sheets, then WriteTo.
type Book struct {
	f    *excelize.File
	open *Sheet
	n    int
}

// Sheet is one sheet of a Book; rows are added in order.
type Sheet struct {
	sw  *excelize.StreamWriter
	row int
}

// New starts an empty workbook.
func New() *Book { return &Book{f: excelize.NewFile()} }

// Sheet adds a sheet named name: the title (when not empty) on the first
// line, the header under it, with the given column widths (characters;
// fewer widths than columns leave the rest as they are).
func (b *Book) Sheet(name, title string, header []string, widths ...float64) (*Sheet, error) {
	if err := b.flush(); err != nil {
		return nil, err
	}
	if b.n == 0 {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	b.n++
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
	}
	s := &Sheet{sw: sw}
	b.open = s
	if title != "" {
		if err := s.Row(title); err != nil {
			return nil, err
		}
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	return s, s.Row(head...)
}

// Row appends one row.
func (s *Sheet) Row(cells ...any) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err == nil {
		err = s.sw.SetRow(cell, cells)
	}
	if err != nil {
		return fmt.Errorf("xlsx: row %d: %w", s.row, err)
	}
	return nil
}

func (b *Book) flush() error {
	if b.open == nil {
		return nil
	}
	err := b.open.sw.Flush()
	b.open = nil
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// WriteTo finishes the workbook and writes it to w; the Book is closed.
func (b *Book) WriteTo(w io.Writer) (int64, error) {
	defer b.f.Close()
	if err := b.flush(); err != nil {
		return 0, err
	}
	n, err := b.f.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("xlsx: %w", err)
	}
	return n, nil
}

// Bytes finishes the workbook and returns the file.
func (b *Book) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	_, err := b.WriteTo(&buf)
	return buf.Bytes(), err
}
