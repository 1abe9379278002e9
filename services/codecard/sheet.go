package codecard

import (
	"bytes"
	"html/template"
	"strings"
)

// sheetTmpl lays cards out on A4 pages, four to a page, with digits large
// enough to read from a chair; it prints with the browser's print dialog.
var sheetTmpl = template.Must(template.New("sheet").Funcs(template.FuncMap{
	"month": func(m string) string { // 2026-12 → 2026年12月
		y, mm, _ := strings.Cut(m, "-")
		return y + "年" + strings.TrimPrefix(mm, "0") + "月"
	},
	"spaced": func(code string) string { return code[:3] + " " + code[3:] },
}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>探访码卡</title>
<style>
@page { size: A4; margin: 8mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; color: #000; }
.toolbar { padding: 12px; text-align: center; }
.toolbar button { font-size: 18px; padding: 8px 24px; min-height: 44px; }
@media print { .toolbar { display: none; } }
.page { display: grid; grid-template-columns: 1fr 1fr; grid-template-rows: 1fr 1fr; gap: 6mm; width: 194mm; height: 281mm; margin: 0 auto; page-break-after: always; }
.card { border: 2px dashed #000; padding: 5mm; display: flex; flex-direction: column; }
.card h1 { font-size: 20px; margin: 0 0 2mm; text-align: center; }
.who { font-size: 18px; text-align: center; margin-bottom: 2mm; }
table { width: 100%; border-collapse: collapse; flex: 1; }
td { border: 1px solid #000; padding: 0 2mm; font-size: 15px; }
td.code { font-size: 26px; font-weight: bold; letter-spacing: 2px; text-align: center; font-family: "DejaVu Sans Mono", monospace; }
.note { font-size: 12px; margin-top: 2mm; line-height: 1.4; }
</style></head><body>
<div class="toolbar"><button type="button" data-print>打印</button> 共 {{len .}} 张, 每页 4 张</div>
{{range $i, $page := .}}<div class="page">{{range $page}}<div class="card">
<h1>金晖助老 · 探访码卡</h1>
<div class="who">{{.VillageName}} {{.ElderName}} (第 {{.Generation}} 版)</div>
<table>{{range .Codes}}<tr><td>{{month .Month}}</td><td class="code">{{spaced .Code}}</td></tr>{{end}}</table>
<div class="note">志愿者每次探访结束时, 请让志愿者在手机上输入当月的探访码。请把本卡贴在家中, 不要拍照发给他人。卡片遗失请告诉村里的组织者重新制作。</div>
</div>{{end}}</div>{{end}}
<script src="/print.js"></script>
</body></html>`))

// Sheet renders cards as printable A4 pages, four cards a page.
func Sheet(cards []Printed) ([]byte, error) {
	var pages [][]Printed
	for i := 0; i < len(cards); i += 4 {
		pages = append(pages, cards[i:min(i+4, len(cards))])
	}
	var b bytes.Buffer
	err := sheetTmpl.Execute(&b, pages)
	return b.Bytes(), err
}
