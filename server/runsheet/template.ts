/**
 * The 排品表 template the import dialog offers (`GET /api/runsheet/template.xlsx`): the export's own
 * columns and headers — every one the reader recognises — with three example rows that show the
 * conventions it accepts: "/" for no deal, 待定 for a price to come, a coupon, a 品牌底价 and a 备注.
 */
import type ExcelJS from 'exceljs';
import type { ListedItem } from './apply.js';
import { runsheetWorkbook } from './write.js';

const examples: ListedItem[] = [
  {
    itemId: 1,
    sku: 'MASK-20',
    title: '玻尿酸补水面膜 20片',
    listPriceFen: 12900,
    livePriceFen: 8900,
    plannedSec: 300,
    sellingPoints: '三重玻尿酸\n敏感肌可用',
    script: '家人们看这个面膜，直播间到手价 89 元！',
    deal: { priceFen: 6900, stock: 200, perUserLimit: 2, durationSec: 60 },
    coupon: null,
    floorFen: 5900,
    note: '主播先上脸试用',
    linkNo: 1,
  },
  {
    itemId: 2,
    sku: 'LIP-03',
    title: '丝绒哑光口红',
    listPriceFen: 19900,
    livePriceFen: 12900,
    plannedSec: 240,
    sellingPoints: '显白不拔干',
    script: '',
    deal: null,
    coupon: { title: '粉丝券', thresholdFen: 12900, discountFen: 2000, quantity: 300, perUserLimit: 1, durationSec: 300 },
    floorFen: null,
    note: '',
    linkNo: 2,
  },
  {
    itemId: 3,
    sku: 'TOWEL-SET3',
    title: '长绒棉浴巾三件套',
    listPriceFen: 15900,
    livePriceFen: null,
    plannedSec: 360,
    sellingPoints: '',
    script: '',
    deal: null,
    coupon: null,
    floorFen: null,
    note: '直播价待定，开播前补上',
    linkNo: 3,
  },
];

/** The template workbook: the run-sheet layout with example rows, and a sheet of notes on filling it in. */
export async function templateWorkbook(): Promise<ExcelJS.Workbook> {
  const wb = await runsheetWorkbook(examples);
  const sheet = wb.worksheets[0];
  // Conventions shown as a studio writes them: "/" for no deal, 待定 for a price not settled yet.
  sheet.getRow(3).getCell(8).value = '/';
  sheet.getRow(4).getCell(4).value = '待定';
  const help = wb.addWorksheet('填写说明');
  help.columns = [{ width: 100 }];
  [
    '每行一个讲解商品，按上播顺序排列；表头可以放在标题行下面，列的顺序随意。',
    '必填：商品编码、商品名称、原价、讲解时长（5、5分钟、05:00、300秒都可以）。',
    '价格写元（129.9、¥1,299.00）；秒杀列写“/”或留空表示没有秒杀；直播价写“待定”会先导入、开播前再补。',
    '同一个商品编码只能对应一个商品；同一商品排两次（返场）时两行内容一致即可。',
    '品牌底价：低于它的秒杀价需要中控确认后才能开；不填就不限制。备注会显示在商品卡片和提词器上。',
    '链接号（小黄车序号）：观众问“7号链接”时，中控的问题收件箱会标出是哪个商品；可写 7、#7 或 7号。',
  ].forEach((line) => help.addRow([line]));
  return wb;
}

/** The template's bytes. */
export async function renderTemplate(): Promise<Buffer> {
  return Buffer.from(await (await templateWorkbook()).xlsx.writeBuffer());
}
