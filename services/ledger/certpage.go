package ledger

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"time"

	"jinhui/shared/clock"
)

// certTmpl is the national template's certificate (志愿服务证明) on one A4
// page, with room for the seal and the verification QR code.
var certTmpl = template.Must(template.New("cert").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.In(clock.Shanghai).Format("2006年1月2日") },
	"month": func(m string) string {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			return m
		}
		return t.Format("2006年1月")
	},
	"blank": func(s string) string {
		if s == "" {
			return "＿＿＿＿＿＿"
		}
		return s
	},
}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>志愿服务证明 {{.C.Code}}</title>
<style>
@page { size: A4; margin: 18mm 20mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", serif; color: #000; background: #eee; }
.toolbar { padding: 12px; text-align: center; font-family: sans-serif; }
.toolbar button { font-size: 18px; padding: 8px 24px; min-height: 44px; }
.sheet { width: 170mm; min-height: 257mm; margin: 0 auto 12px; background: #fff; padding: 14mm 12mm; position: relative; }
h1 { text-align: center; font-size: 30px; letter-spacing: 12px; margin: 0 0 4mm; }
.no { text-align: right; font-size: 14px; margin-bottom: 6mm; }
.status { text-align: center; font-size: 15px; margin-bottom: 4mm; }
.status.notice { color: #b45309; } .status.withdrawn { color: #b91c1c; font-weight: bold; }
p.body { font-size: 18px; line-height: 2.1; text-indent: 2em; margin: 0 0 6mm; }
u { text-decoration: none; border-bottom: 1px solid #000; padding: 0 4px; }
table { width: 100%; border-collapse: collapse; font-size: 15px; margin-bottom: 8mm; }
th, td { border: 1px solid #000; padding: 2.5mm 3mm; text-align: left; }
th { width: 30%; font-weight: normal; }
.sign { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 10mm; font-size: 16px; line-height: 2.2; }
.seal { width: 42mm; height: 42mm; border: 1px dashed #999; border-radius: 50%; display: flex; align-items: center; justify-content: center; color: #999; font-size: 13px; }
.qr { text-align: center; font-size: 12px; margin-top: 8mm; }
.qr img { width: 30mm; height: 30mm; display: block; margin: 0 auto 2mm; }
@media print { body { background: #fff; } .toolbar { display: none; } .sheet { margin: 0; padding: 0; width: auto; min-height: 0; } }
</style></head><body>
<div class="toolbar"><button type="button" data-print>打印证明</button></div>
<div class="sheet">
<h1>志愿服务证明</h1>
<div class="no">证明编号: {{.C.Code}}</div>
{{if ne .C.Status "effective"}}<div class="status {{.C.Status}}">【{{.C.StatusName}}{{if eq .C.Status "notice"}}, 公示期至 {{date .NoticeUntil}}{{end}}{{if .C.WithdrawCause}}: {{.C.WithdrawCause}}{{end}}】</div>{{end}}
<p class="body">兹证明 <u>{{.C.Name}}</u>(证件类型: {{.C.IDType}}, 证件号码: {{.C.IDNumber}}, 志愿者编号: {{.C.VolunteerNo}})于 <u>{{month .C.From}}</u> 至 <u>{{month .C.To}}</u> 期间参加金晖助老志愿服务, 累计服务时长 <u>{{printf "%.1f" .C.TotalHours}}</u> 小时。</p>
<table>
<tr><th>服务内容</th><td>{{.C.Content}}</td></tr>
<tr><th>服务时长</th><td>签到签退记录 {{printf "%.1f" .C.CreditHours}} 小时(入户探访 {{.C.Visits}} 次); 组织认定 {{printf "%.1f" .C.HonourHours}} 小时; 合计 {{printf "%.1f" .C.TotalHours}} 小时(不含往返路途时间)</td></tr>
<tr><th>服务期间</th><td>{{month .C.From}} 至 {{month .C.To}}</td></tr>
<tr><th>证明出具单位</th><td>{{.C.Issuer}}</td></tr>
<tr><th>单位负责人</th><td>{{blank .C.Principal}}</td></tr>
<tr><th>经办人</th><td>{{blank .C.Handler}}</td></tr>
<tr><th>联系方式</th><td>{{blank .C.Contact}}</td></tr>
</table>
<div class="sign">
<div>出具单位(盖章): {{.C.Issuer}}<br>出具日期: {{date .C.IssuedAt}}</div>
<div class="seal">(盖章处)</div>
</div>
<div class="qr"><img alt="核验二维码" src="{{.QR}}">扫码或访问 {{.URL}} 核验本证明</div>
</div>
<script src="/print.js"></script>
</body></html>`))

// CertificatePage renders a certificate as a printable A4 page; url is
// its verification address and qrPNG the QR code of it.
func CertificatePage(c Certificate, url string, qrPNG []byte) ([]byte, error) {
	var until time.Time
	if c.NoticeUntil != nil {
		until = *c.NoticeUntil
	}
	data := struct {
		C           Certificate
		URL         string
		QR          template.URL
		NoticeUntil time.Time
	}{c, url, template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(qrPNG)), until}
	var b bytes.Buffer
	if err := certTmpl.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("ledger.CertificatePage: %w", err)
	}
	return b.Bytes(), nil
}
