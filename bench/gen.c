/*
 * gen.c — yaohao-gen: deterministic synthetic registers for benchmarks and
 * large tests.  The same arguments give the same bytes on any machine
 * (splitmix64, integer arithmetic only).
 *
 *   yaohao-gen entities N [--seed S] [--regions FILE]   > entities.csv
 *
 * Ids are valid credit codes (GB 32100) and unique: the organisation-code part
 * is a bijection of the row number.  Regions are real county codes from
 * fixtures/regions.csv, provinces weighted roughly by their number of
 * market entities.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaohao/uscc.h>

static uint64_t rng_state;

static uint64_t next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n) { return (unsigned)(next() % n); }

/* Rough shares (per mille) of market entities by province. */
static const struct { const char *code; unsigned weight; } province_weights[] = {
	{ "44", 120 }, { "32", 95 }, { "37", 85 }, { "33", 80 }, { "41", 60 }, { "51", 55 },
	{ "13", 45 }, { "42", 40 }, { "35", 40 }, { "34", 38 }, { "43", 35 }, { "31", 30 },
	{ "11", 28 }, { "61", 26 }, { "36", 25 }, { "45", 25 }, { "53", 24 }, { "50", 22 },
	{ "21", 22 }, { "14", 20 }, { "52", 18 }, { "23", 14 }, { "22", 12 }, { "15", 12 },
	{ "12", 11 }, { "62", 10 }, { "65", 9 }, { "46", 8 }, { "64", 4 }, { "63", 3 }, { "54", 2 },
};

typedef struct { char (*codes)[7]; size_t n, cap; } county_list;

static county_list counties[100];

static int load_regions(const char *path)
{
	char line[512];
	FILE *fp = fopen(path, "r");

	if (!fp) {
		fprintf(stderr, "yaohao-gen: cannot open regions file: '%s'\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		int p;
		county_list *l;

		if (strlen(line) < 7 || line[6] != ',' || line[0] < '1' || line[0] > '9')
			continue;
		p = (line[0] - '0') * 10 + (line[1] - '0');
		l = &counties[p];
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64;
			l->codes = realloc(l->codes, l->cap * sizeof(*l->codes));
			if (!l->codes)
				abort();
		}
		memcpy(l->codes[l->n], line, 6);
		l->codes[l->n][6] = '\0';
		l->n++;
	}
	fclose(fp);
	return 0;
}

static const char *pick_region(void)
{
	unsigned total = 0, r, i;

	for (i = 0; i < sizeof(province_weights) / sizeof(province_weights[0]); i++)
		total += province_weights[i].weight;
	r = below(total);
	for (i = 0;; i++) {
		if (r < province_weights[i].weight)
			break;
		r -= province_weights[i].weight;
	}
	{
		int p = atoi(province_weights[i].code);
		county_list *l = &counties[p];

		return l->n ? l->codes[below((unsigned)l->n)] : "110101";
	}
}

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 11714 check character of an 8-character organisation code. */
static char org_check(const char *s)
{
	static const int w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0, i, c;

	for (i = 0; i < 8; i++)
		sum += (s[i] <= '9' ? s[i] - '0' : s[i] - 'A' + 10) * w[i];
	c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

static void make_id(char out[19], uint64_t row, const char *region)
{
	/* 31^8 > 8.5e11; multiplying by a number prime to 31 permutes [0, 31^8). */
	const uint64_t space = 852891037441ull;
	uint64_t v = (row * 104729ull + 7ull) % space;
	int i;

	out[0] = '9';
	out[1] = "123"[row % 3];
	memcpy(out + 2, region, 6);
	for (i = 7; i >= 0; i--) {
		out[8 + i] = uscc_alphabet[v % 31];
		v /= 31;
	}
	out[16] = org_check(out + 8);
	out[17] = yh_uscc_check_char(out);
	out[18] = '\0';
}

static const char *const types[] = { "有限责任公司", "有限责任公司", "个体工商户", "个体工商户",
	"个体工商户", "股份有限公司", "个人独资企业", "合伙企业", "农民专业合作社" };
static const char *const industries[] = { "F52", "F5211", "F51", "H62", "H61", "C14", "C13",
	"I65", "E47", "L72", "G54", "M74", "K70", "O80", "A01", "C39", "R88", "" };
static const char *const words[] = { "华兴", "恒泰", "众诚", "佳禾", "瑞丰", "鑫源", "宏达",
	"永安", "金桥", "汇通", "百顺", "东方", "天成", "嘉禾", "润泽", "锦程" };
static const char *const trades[] = { "食品", "餐饮", "贸易", "科技", "建筑", "物流", "商贸",
	"服务", "电子", "农业", "文化", "药业" };

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
	"徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗" };
static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰",
	"涛", "明", "超", "秀英", "建华", "晓东", "丽华", "志强", "海燕", "子涵" };
static const char *const departments[] = { "330100-SCJG", "330100-STHJ", "330100-SWJ", "330100-YJJ" };
static const char *const specialties[] = { "食品", "特种设备", "药品", "广告", "产品质量", "价格",
	"环境监测", "固体废物", "税务稽查", "安全生产" };

static int write_entities(FILE *fp, FILE *conflicts, uint64_t n, uint64_t ninspectors)
{
	uint64_t i;

	fprintf(fp, "统一社会信用代码,企业名称,市场主体类型,区划代码,行业代码,风险等级,登记状态,经营异常名录\r\n");
	if (conflicts)
		fprintf(conflicts, "inspector_id,entity_id,reason\n");
	for (i = 0; i < n; i++) {
		const char *region = pick_region(), *status, *risk;
		unsigned r = below(1000);
		char id[19];

		make_id(id, i, region);
		risk = r < 550 ? "A" : r < 850 ? "B" : r < 960 ? "C" : "D";
		r = below(1000);
		status = r < 900 ? "存续" : r < 950 ? "注销" : r < 980 ? "吊销" : r < 990 ? "迁出" : "停业";
		fprintf(fp, "%s,%s%s%s有限公司%llu,%s,%s,%s,%s,%s,%s\r\n", id,
		        words[below(16)], words[below(16)], trades[below(12)], (unsigned long long)i,
		        types[below(9)], region, industries[below(18)], risk, status,
		        below(100) < 4 ? "是" : "否");
		/* about one entity in a thousand has a conflict with one officer */
		if (conflicts && ninspectors && below(1000) == 0)
			fprintf(conflicts, "INSP%07u,%s,%s\n", below((unsigned)ninspectors), id,
			        below(2) ? "近亲属任职" : "当事人申请回避");
	}
	return ferror(fp) || (conflicts && ferror(conflicts)) ? -1 : 0;
}

static int write_inspectors(FILE *fp, uint64_t n)
{
	uint64_t i;

	fprintf(fp, "执法证号,姓名,部门,专业领域,执法证有效期至,状态\n");
	for (i = 0; i < n; i++) {
		unsigned r = below(100), a = below(10), b = below(10);

		fprintf(fp, "INSP%07llu,%s%s,%s,%s%s%s,%s,%s\n", (unsigned long long)i, surnames[below(20)],
		        given[below(20)], departments[i % 4], specialties[a], a != b ? ";" : "",
		        a != b ? specialties[b] : "", r < 5 ? "2025-06-30" : "2027-12-31",
		        r < 93 ? "在岗" : r < 97 ? "休假" : "停职");
	}
	return ferror(fp) ? -1 : 0;
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(fp = fopen(path, "wb")))
		fprintf(stderr, "yaohao-gen: cannot write '%s'\n", path);
	return fp;
}

int main(int argc, char **argv)
{
	const char *regions = "fixtures/regions.csv";
	uint64_t n, seed = 20261128, ninspectors, officers = 0;
	FILE *ent = NULL, *ins = NULL, *con = NULL;
	int a, rc;

	if (argc < 3 || (strcmp(argv[1], "entities") != 0 && strcmp(argv[1], "registers") != 0)) {
		fprintf(stderr, "usage: yaohao-gen entities N [--seed S] [--regions FILE] > entities.csv\n"
		        "       yaohao-gen registers N DIR [--seed S] [--regions FILE] [--officers M]\n"
		        "         writes DIR/entities.csv (N rows), DIR/inspectors.csv (M officers, default\n"
		        "         N/2000 and at least 40, in four departments) and DIR/conflicts.csv\n"
		        "         (about N/1000)\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	a = strcmp(argv[1], "registers") == 0 ? 4 : 3;
	if (a == 4 && argc < 4) {
		fprintf(stderr, "yaohao-gen: registers needs N and DIR\n");
		return 2;
	}
	for (; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--seed") == 0)
			seed = strtoull(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "--regions") == 0)
			regions = argv[a + 1];
		else if (strcmp(argv[a], "--officers") == 0)
			officers = strtoull(argv[a + 1], NULL, 10);
	}
	if (load_regions(regions) < 0)
		return 3;
	rng_state = seed;
	if (strcmp(argv[1], "entities") == 0)
		return write_entities(stdout, NULL, n, 0) ? 3 : 0;
	if (!officers)
		ninspectors = n / 2000 < 40 ? 40 : n / 2000;
	else
		ninspectors = officers;
	if (!(ent = open_out(argv[3], "entities.csv")) || !(ins = open_out(argv[3], "inspectors.csv")) ||
	    !(con = open_out(argv[3], "conflicts.csv")))
		return 3;
	rc = write_entities(ent, con, n, ninspectors) || write_inspectors(ins, ninspectors);
	rc |= fclose(ent) | fclose(ins) | fclose(con);
	return rc ? 3 : 0;
}
