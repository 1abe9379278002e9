package registry

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jinhui/shared/apperr"
)

// Row is one data row of an uploaded sheet: its 1-based line number in
// the file and its cells by header.
type Row struct {
	N     int
	Cells map[string]string
}

// Limits of an upload (a county's register is a few thousand rows). An
// xlsx file is a zip: its unpacked size is bounded as well, and its rows
// are read one at a time, so a file that unpacks to far more is refused
// before it is held in memory.
const (
	MaxRows    = 50_000
	MaxColumns = 100
)

// MaxUnzipped is the most an xlsx upload may unpack to (a variable so
// that tests can lower it).
var MaxUnzipped int64 = 64 << 20

// readXLSX reads the first sheet of an xlsx file row by row, stopping at
// MaxRows.
func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: min(8<<20, MaxUnzipped)})
	if err != nil {
		if strings.Contains(err.Error(), "size") {
			return nil, apperr.Field("file", fmt.Sprintf("xlsx 文件解压后超过 %d MB", MaxUnzipped>>20))
		}
		return nil, apperr.Field("file", "无法读取 xlsx 文件")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.Field("file", "xlsx 文件没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, apperr.Field("file", "无法读取 xlsx 工作表")
	}
	defer rows.Close()
	var records [][]string
	for rows.Next() {
		if len(records) > MaxRows {
			return nil, apperr.Field("file", fmt.Sprintf("文件超过 %d 行", MaxRows))
		}
		rec, err := rows.Columns()
		if err != nil {
			return nil, apperr.Field("file", "无法读取 xlsx 工作表")
		}
		if len(rec) > MaxColumns {
			return nil, apperr.Field("file", fmt.Sprintf("文件超过 %d 列", MaxColumns))
		}
		records = append(records, rec)
	}
	if err := rows.Error(); err != nil {
		return nil, apperr.Field("file", "无法读取 xlsx 工作表")
	}
	return records, nil
}

// Sheet is an uploaded table: its header (trimmed) and its data rows.
type Sheet struct {
	Header []string
	Rows   []Row
}

// ReadSheet reads the first sheet of an xlsx file, or a CSV file (UTF-8,
// with or without BOM, or GB18030 as Chinese office software saves it),
// into rows keyed by the header row.
func ReadSheet(name string, data []byte) ([]Row, error) {
	sh, err := ReadTable(name, data)
	return sh.Rows, err
}

// ReadTable is ReadSheet keeping the header, so that a caller can tell a
// missing column from an empty cell.
func ReadTable(name string, data []byte) (Sheet, error) {
	var records [][]string
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		var err error
		if records, err = readXLSX(data); err != nil {
			return Sheet{}, err
		}
	case ".csv":
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(data) {
			dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
			if err != nil {
				return Sheet{}, apperr.Field("file", "CSV 文件编码无法识别(应为 UTF-8 或 GBK)")
			}
			data = dec
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return Sheet{}, apperr.Field("file", "CSV 格式错误: "+err.Error())
			}
			records = append(records, rec)
			if len(records) > MaxRows+1 {
				break
			}
		}
	default:
		return Sheet{}, apperr.Field("file", "仅支持 .xlsx 或 .csv 文件")
	}
	if len(records) == 0 {
		return Sheet{}, apperr.Field("file", "文件为空")
	}
	if len(records) > MaxRows+1 {
		return Sheet{}, apperr.Field("file", fmt.Sprintf("文件超过 %d 行", MaxRows))
	}
	header := make([]string, len(records[0]))
	for i, h := range records[0] {
		header[i] = strings.TrimSpace(h)
	}
	var rows []Row
	for i, rec := range records[1:] {
		cells := map[string]string{}
		empty := true
		for j, v := range rec {
			if j < len(header) && header[j] != "" {
				v = strings.TrimSpace(v)
				cells[header[j]] = v
				if v != "" {
					empty = false
				}
			}
		}
		if !empty {
			rows = append(rows, Row{N: i + 2, Cells: cells})
		}
	}
	return Sheet{Header: header, Rows: rows}, nil
}

// ParseRegionsCSV reads region nodes: columns code, name, and optional lat,
// lon. Codes may be 12-digit or 6-digit county codes.
func ParseRegionsCSV(name string, data []byte) ([]Region, error) {
	rows, err := ReadSheet(name, data)
	if err != nil {
		return nil, err
	}
	out := make([]Region, 0, len(rows))
	for _, r := range rows {
		code, err := NormalizeCode(r.Cells["code"])
		if err != nil {
			return nil, apperr.Field(fmt.Sprintf("rows[%d].code", r.N), "区划代码无效")
		}
		if r.Cells["name"] == "" {
			return nil, apperr.Field(fmt.Sprintf("rows[%d].name", r.N), "名称不能为空")
		}
		reg := Region{Code: code, Name: r.Cells["name"], Level: LevelOf(code), Parent: ParentOf(code)}
		if _, err := fmt.Sscan(r.Cells["lat"], &reg.Lat); err != nil && r.Cells["lat"] != "" {
			return nil, apperr.Field(fmt.Sprintf("rows[%d].lat", r.N), "纬度无效")
		}
		if _, err := fmt.Sscan(r.Cells["lon"], &reg.Lon); err != nil && r.Cells["lon"] != "" {
			return nil, apperr.Field(fmt.Sprintf("rows[%d].lon", r.N), "经度无效")
		}
		out = append(out, reg)
	}
	return out, nil
}
