"""Figures and the document header from whole sections of the seed reports.

Paragraphs are the seeds' own sentences (markdown markers dropped, as a PDF
has none), one per line, built with ``paragraphs_from_text``.
"""

# ruff: noqa: E501 -- the seeds' sentences are kept whole, one paragraph per line

from __future__ import annotations

import time

import pytest

from pipeline.model import Document, DocumentInfo
from pipeline.records import extract
from tests.builders import paragraph_from_text, paragraphs_from_text

INFO = DocumentInfo(doc_id="sha256:test", file="test.pdf", pages=1, page_sources=["text"])

# Seed 000, 乌鲁木齐市民政局（本级）: clean text from a PDF's text layer.
SEED_000 = """\
乌鲁木齐市民政局（本级）2024年度部门决算 公开说明
第一部分 单位概况
二、机构设置及人员情况
乌鲁木齐市民政局（本级）2024年度，实有人数94人，其中：在职人员39人，减少1人；离休人员0人，增加0人；退休人员55人，增加1人。
第二部分 部门决算情况说明
一、收入支出决算总体情况说明
2024 年度收入总计 3,369.63 万元，其中：本年收入合计 3,067.22 万元，使用非财政拨款结余（含专用结余）0.00 万元，年初结转和结余 302.41 万元。
2024 年度支出总计 3,369.63 万元，其中：本年支出合计 3,073.80 万元，结余分配 0.00 万元，年末结转和结余 295.83 万元。
收入支出总体与上年相比，减少 230.18 万元，下降 6.39%，主要原因是：1.本年居家和社区基本养老服务提升项目、老年人助餐“金色晚霞”项目、儿童福利未保站项目、精神康复融合项目等按照合同约定支付款项，部分进度款未达到支付条件，款项未全额支付；另有儿童照料护理服务项目支出较 2023 年减少。2.本年度上缴国库司法救助金等项目资金，调减年初结转与结余，总收入与支出减少。
二、收入决算情况说明
本年收入 3,067.22 万元，其中：财政拨款收入 3,067.19 万元，占 100.00%；上级补助收入 0.00 万元，占 0.00%；事业收入 0.00 万元，占 0.00%；经营收入 0.00 万元，占 0.00%；附属单位上缴收入 0.00 万元，占 0.00%；其他收入 0.03 万元，占 0.001%。
三、支出决算情况说明
本年支出 3,073.80 万元，其中：基本支出 930.09 万元，占
30.26%; 项目支出 2,143.71 万元, 占 69.74%; 上缴上级支出 0.00 万元, 占 0.00%; 经营支出 0.00 万元, 占 0.00%; 对附属单位补助支出 0.00 万元, 占 0.00%。
四、财政拨款收入支出决算总体情况说明
2024 年度财政拨款收入总计 3,077.02 万元, 其中: 年初财政拨款结转和结余 9.83 万元, 本年财政拨款收入 3,067.19 万元。财政拨款支出总计 3,077.02 万元, 其中: 年末财政拨款结转和结余 3.54 万元, 本年财政拨款支出 3,073.48 万元。
财政拨款收入支出总体与上年相比, 减少 34.43 万元, 下降 1.11%, 主要原因是: 1、本年度居家养老服务和提升项目、儿童照料护理服务项目支出较 2023 年减少; 2、本年度根据要求上缴国库结转司法救助资金, 调减年初结转与结余, 财政拨款收入支出总体减少。与年初预算相比, 年初预算数 2,739.75 万元, 决算数 3,077.02 万元, 预决算差异率 12.31%, 主要原因是: 年中追加人员工资、社保、公积金基数调增部分资金。
五、一般公共预算财政拨款支出决算情况说明
(一) 一般公共预算财政拨款支出决算总体情况
2024 年度一般公共预算财政拨款支出 1,824.52 万元, 占本年支出合计的 59.36%。与上年相比, 增加 144.00 万元, 增长 8.57%, 主要原因是: 1.本年市级财政困难群众救助补助项目资金支出较
上年增加；2.本年新增购置工作用电脑支出；3.本年在职工人员工资调整，社保等基数调增，人员经费增加；4.本年退休人员经费增加。与年初预算相比，年初预算数 940.87 万元，决算数 1,824.52 万元，预决算差异率 93.92%，主要原因是：年中追加人员工资、社保、公积金基数调增部分资金及市级财政困难群众救助补助项目资金。
六、一般公共预算财政拨款基本支出决算情况说明
2024 年度一般公共预算财政拨款基本支出 930.09 万元，其中：人员经费 855.55 万元，包括：基本工资、津贴补贴、奖金、机关事业单位基本养老保险缴费、职业年金缴费、职工基本医疗保险缴费、公务员医疗补助缴费、其他社会保障缴费、住房公积金、退休费、抚恤金、生活补助。
公用经费 74.54 万元，包括：办公费、印刷费、邮电费、差旅费、培训费、劳务费、工会经费、福利费、公务用车运行维护费、其他商品和服务支出。
七、政府性基金预算财政拨款收入支出决算情况说明
2024 年度政府性基金预算财政拨款收入总计 1,248.95 万元，其中：年初结转和结余 0.00 万元，本年收入 1,248.95 万元。政府性基金预算财政拨款支出总计 1,248.95 万元，其中：年末结转和结余 0.00 万元，本年支出 1,248.95 万元。
政府性基金预算财政拨款收入支出总体与上年相比，减少 161.79 万元，下降 11.47%，主要原因是：本年居家和社区基本养老服务提升项目、儿童照料护理服务项目支出较 2023 年减少。与年初预算相比，年初预算数 1,798.88 万元，决算数 1,248.95 万元，预决算差异率-30.57%，主要原因是：本年居家和社区基本养老服务提升项目等按照合同约定支付款项。
八、国有资本经营预算财政拨款收入支出决算情况说明
本单位本年度无国有资本经营预算财政拨款收入、支出及结转和结余，国有资本经营预算财政拨款收入支出决算表为空表。
九、财政拨款“三公”经费支出决算情况说明
2024 年度财政拨款“三公”经费支出 7.00 万元，比上年减少 0.44 万元，下降 5.91%，主要原因是：严格落实中央八项规定精神，厉行节约，减少公务用车运行维护费。其中：因公出国（境）费支出 0.00 万元，占 0.00%，比上年增加 0.00 万元，增长 0.00%，主要原因是：2023 年与 2024 年均未安排因公出国（境）费支出。公务用车购置及运行维护费支出 7.00 万元，占 100.00%，比上年减少 0.41 万元，下降 5.53%，主要原因是：严格落实中央八项规定精神，厉行节约，减少公务用车运行维护费。公务接待费支出 0.00 万元，占 0.00%，比上年减少 0.03 万元，下降 100.00%，主要原因是：本年未安排公务接待工作，公务接待费较上年减少。
具体情况如下：
公务用车购置及运行维护费 7.00 万元，其中：公务用车购置费 0.00 万元，公务用车运行维护费 7.00 万元。公务用车运行维护费开支内容包括车辆加油费、维修费、保险费、审车费、过路费等。公务用车购置数 0 辆，公务用车保有量 4 辆。国有资产占用情况中固定资产车辆 4 辆，与公务用车保有量差异原因是：本单位固定资产车辆与公务用车保有量一致无差异。
公务接待费 0.00 万元，开支内容包括本单位无公务接待费。单位全年安排的国内公务接待 0 批次，0 人次。
与全年预算相比，财政拨款“三公”经费支出全年预算数 7.02 万元，决算数 7.00 万元，预决算差异率-0.28%，主要原因是：本年严格落实中央八项规定精神，厉行节约，减少经费支出。其中：因公出国（境）费全年预算数 0.00 万元，决算数 0.00 万元，预决算差异率 0.00%，主要原因是：本单位无因公出国（境）费。公务用车购置费全年预算数 0.00 万元，决算数 0.00 万元，预决算差异率 0.00%。
十、其他重要事项的情况说明
（一）机关运行经费及公用经费支出情况
2024 年度乌鲁木齐市民政局（本级）（行政单位和参照公务员法管理事业单位）机关运行经费支出 74.54 万元，比上年减少 4.78 万元，下降 6.03%，主要原因是：本年人员减少，公用经费减少。
（二）政府采购情况
2024 年度政府采购支出总额 1,816.66 万元，其中：政府采购货物支出 25.24 万元、政府采购工程支出 0.00 万元、政府采购服务支出 1,791.42 万元。
授予中小企业合同金额 984.01 万元，占政府采购支出总额的 54.17%，其中：授予小微企业合同金额 984.01 万元，占政府采购支出总额的 54.17%。
（三）国有资产占用情况说明
截至 2024 年 12 月 31 日，房屋 794.00 平方米，价值 78.45 万元。车辆 4 辆，价值 94.50 万元，其中：副部（省）级及以上领导用车 0 辆、主要负责人用车 0 辆、机要通信用车 0 辆、其他用车 4 辆，其他用车主要是：一般公务用车。单价 100 万元（含）以上设备（不含车辆）0 台（套）。
十一、预算绩效的情况说明
根据预算绩效管理要求，本单位预算绩效评价项目 21 个，全年预算数 1,863.02 万元，全年执行数 1,853.31 万元。预算绩效管理取得的成效：一是通过绩效目标的设定，明晰了项目资金的具体使用方向及预期使用效果。
十二、其他需说明的事项
本单位无其他需说明的事项。
第三部分 专业名词解释
一、财政拨款收入：指同级财政当年拨付的资金。
九、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。
"""

EXPECTED_000 = {
    "staff_total": 94,
    "staff_active": 39,
    "staff_retired_cadre": 0,
    "staff_retired": 55,
    "income_total": "3369.63",
    "income_year": "3067.22",
    "nonfiscal_balance_used": "0.00",
    "carryover_begin": "302.41",
    "expenditure_total": "3369.63",
    "expenditure_year": "3073.80",
    "balance_distribution": "0.00",
    "carryover_end": "295.83",
    "total_change": "-230.18",
    "total_growth_pct": "-6.39",
    "fiscal_income": "3067.19",
    "superior_subsidy_income": "0.00",
    "business_income": "0.00",
    "operating_income": "0.00",
    "affiliate_income": "0.00",
    "other_income": "0.03",
    "basic_expenditure": "930.09",
    "project_expenditure": "2143.71",
    "remit_superior_expenditure": "0.00",
    "operating_expenditure": "0.00",
    "affiliate_subsidy_expenditure": "0.00",
    "fiscal_total": "3077.02",
    "fiscal_carryover_begin": "9.83",
    "fiscal_carryover_end": "3.54",
    "fiscal_expenditure_year": "3073.48",
    "fiscal_change": "-34.43",
    "fiscal_growth_pct": "-1.11",
    "fiscal_budget_initial": "2739.75",
    "fiscal_budget_diff_pct": "12.31",
    "general_expenditure": "1824.52",
    "general_share_pct": "59.36",
    "general_change": "144.00",
    "general_growth_pct": "8.57",
    "general_budget_initial": "940.87",
    "general_budget_diff_pct": "93.92",
    "general_basic_expenditure": "930.09",
    "personnel_expenditure": "855.55",
    "public_expenditure": "74.54",
    "fund_total": "1248.95",
    "fund_expenditure_year": "1248.95",
    "three_public_total": "7.00",
    "three_public_change": "-0.44",
    "three_public_growth_pct": "-5.91",
    "overseas_expenditure": "0.00",
    "vehicle_total_expenditure": "7.00",
    "vehicle_purchase_expenditure": "0.00",
    "vehicle_operation_expenditure": "7.00",
    "reception_expenditure": "0.00",
    "three_public_budget": "7.02",
    "vehicles_purchased": 0,
    "vehicles_held": 4,
    "reception_batches": 0,
    "reception_visitors": 0,
    "admin_operating_expenditure": "74.54",
    "procurement_total": "1816.66",
    "procurement_goods": "25.24",
    "procurement_works": "0.00",
    "procurement_services": "1791.42",
    "procurement_sme": "984.01",
    "procurement_small_micro": "984.01",
    "building_area": "794.00",
    "building_value": "78.45",
    "vehicles_count": 4,
    "vehicles_value": "94.50",
    "equipment_over_1m": 0,
    "perf_projects": 21,
    "perf_budget": "1863.02",
    "perf_executed": "1853.31",
}

# Seed 002, 乌鲁木齐市人力资源和社会保障局(汇总): raw OCR, labels broken by spaces.
SEED_002 = """\
乌鲁木齐市人力资源和社会保障局(汇总) 2024年度部门决算公开说明
第一部分 部门概况
二、机构设置及人员情况
乌鲁木齐市人力资源和社会保障局(部门)2024年度,实有人数1,026人,其中:在职人员683人,减少31人;离休人员0人,增加0人;退休人员343人,增加27人。
第二部分 部门决算情况说明
二、收入决算情况说明
本年收入 32,139.53 万元, 其中: 财政拨款收入 32,139.22 万元, 占 100.00%; 上级补助收入 0.00 万元, 占 0.00%; 事业收入 0.00 万元, 占 0.00%; 经营收入 0.00 万元, 占 0.00%; 附属单位上缴收入 0.00 万元, 占 0.00%; 其他收入 0.30 万元, 占 0.000%。
四、财政拨款收入支出决算总体情况说明
2024 年度财政拨款收入总计 32,288.11 万元,其中:年初 财政拨款结转和结余 148.88 万元,本年财政拨款收入 32,139.22 万元。财政拨款支出总计 32,288.11 万元,其中:年末财政拨款 结转和结余 81.91 万元,本年财政拨款支出 32,206.19 万元。
财政拨款收入支出总体与上年相比,减少3,562.90万元,下降9.94%,主要原因是:本年在职人员减少,相关人员经费较上年减少。与年初预算相比,年初预算数25,169.42万元,决算数32,288.11万元,预决算差异率28.28%,主要原因是:年中追加就业创业综合服务平台设备。
五、一般公共预算财政拨款支出决算情况说明
(一) 一般公共预算财政拨款支出决算总体情况
2024 年度一般公共预算财政拨款支出 32,186.91 万元,占本年支出合计的 99.89%。与上年相比,减少 3,381.06 万元,下降 9.51%,主要原因是:本年人才周转房、自治区就业创业综合
服务平台设备、再就业工作等项目支出较上年减少;减少 2022 年及 2023 年度市属、区属企业退休人员取暖费项目,导致经费 较上年减少。与年初预算相比,年初预算数 25,091.42 万元,决 算数 32,186.91 万元,预决算差异率 28.28%,主要原因是:年 中追加就业创业综合服务平台设备。
七、政府性基金预算财政拨款收入支出决算情况说明
本部门本年度无政府性基金预算财政拨款收入、支出及结转和结余,政府性基金预算财政拨款收入支出决算表为空表。
八、国有资本经营预算财政拨款收入支出决算情况说明
2024年度国有资本经营预算财政拨款收入总计19.28万元, 其中:年初结转和结余0.00万元,本年收入19.28万元。国有 资本经营预算财政拨款支出总计19.28万元,其中:年末结转和 结余0.00万元,本年支出19.28万元。
九、财政拨款"三公"经费支出决算情况说明
2024 年度财政拨款"三公"经费支出81.97 万元,比上年增加4.19 万元,增长5.39%,主要原因是:公务用车日渐老化,维修维护成本增加。
公务接待费 0.00 万元, 开支内容包括本部门无公务接待费。 部门全年安排的国内公务接待 0 批次, 0 人次。
十、其他重要事项的情况说明
(三) 国有资产占用情况说明
截至2024年12月31日,房屋3,777.12平方米,价值532.04万元。车辆49辆,价值849.68万元,其中:副部(省)级及以上领导用车0辆、主要负责人用车0辆、机要通信用车0辆、应
急保障用车 0 辆、执法执勤用车 4 辆、其他用车 44 辆。单价100 万元(含)以上设备(不含车辆)8台(套)。
十一、预算绩效的情况说明
根据预算绩效管理要求,本部门2024年度预算绩效管理形 成整体支出绩效自评表1个,全年预算总额32,312.49万元,实 际执行总额 32,221.61 万元; 预算绩效评价项目 58 个, 全年预 算数 33,285.22 万元,全年执行数 33,125.66 万元。
"""

EXPECTED_002 = {
    "staff_total": 1026,
    "staff_active": 683,
    "staff_retired_cadre": 0,
    "staff_retired": 343,
    "income_year": "32139.53",
    "fiscal_income": "32139.22",
    "superior_subsidy_income": "0.00",
    "business_income": "0.00",
    "operating_income": "0.00",
    "affiliate_income": "0.00",
    "other_income": "0.30",
    "fiscal_total": "32288.11",
    "fiscal_carryover_begin": "148.88",
    "fiscal_carryover_end": "81.91",
    "fiscal_expenditure_year": "32206.19",
    "fiscal_change": "-3562.90",
    "fiscal_growth_pct": "-9.94",
    "fiscal_budget_initial": "25169.42",
    "fiscal_budget_diff_pct": "28.28",
    "general_expenditure": "32186.91",
    "general_share_pct": "99.89",
    "general_change": "-3381.06",
    "general_growth_pct": "-9.51",
    "general_budget_initial": "25091.42",
    "general_budget_diff_pct": "28.28",
    "capital_total": "19.28",
    "capital_expenditure_year": "19.28",
    "three_public_total": "81.97",
    "three_public_change": "4.19",
    "three_public_growth_pct": "5.39",
    "reception_expenditure": "0.00",
    "reception_batches": 0,
    "reception_visitors": 0,
    "building_area": "3777.12",
    "building_value": "532.04",
    "vehicles_count": 49,
    "vehicles_value": "849.68",
    "equipment_over_1m": 8,
    "perf_projects": 58,
    "perf_budget": "33285.22",
    "perf_executed": "33125.66",
}

# Seed 004, 水磨沟街道办事处: word-processor text, no spaces at all.
SEED_004 = """\
乌鲁木齐市水磨沟区水磨沟街道办事处2024年度部门决算公开说明
第二部分 部门决算情况说明
一、收入支出决算总体情况说明
2024年度收入总计3,578.52万元，其中：本年收入合计3,576.66万元，使用非财政拨款结余（含专用结余）0.00万元，年初结转和结余1.86万元。
2024年度支出总计3,578.52万元，其中：本年支出合计3,578.41万元，结余分配0.00万元，年末结转和结余0.11万元。
收入支出总体与上年相比，减少2,786.60万元，下降43.78%，主要原因是：本年社区经费、社区食堂补助经费、临时聘用人员经费、工作经费等资金较上年减少。
三、支出决算情况说明
本年支出3,578.41万元，其中：基本支出2,676.50万元，占74.80%；项目支出901.92万元，占25.20%；上缴上级支出0.00万元，占0.00%；经营支出0.00万元，占0.00%；对附属单位补助支出0.00万元，占0.00%。
四、财政拨款收入支出决算总体情况说明
财政拨款收入支出总体与上年相比，减少2,702.89万元，下降43.59%，主要原因是：本年社区经费较上年减少。与年初预算相比，年初预算数3,831.22万元，决算数3,497.95万元，预决算差异率-8.70%，主要原因是：本年为民办实事经费、社区经费未执行完，年中调减经费，导致预决算存在差异。
七、政府性基金预算财政拨款收入支出决算情况说明
2024年度政府性基金预算财政拨款收入总计0.00万元，其中：年初结转和结余0.00万元，本年收入0.00万元。政府性基金预算财政拨款支出总计0.00万元，其中：年末结转和结余0.00万元，本年支出0.00万元。
九、财政拨款“三公”经费支出决算情况说明
2024年度财政拨款“三公”经费支出0.00万元，比上年增加0.00万元，增长0.00%，主要原因是：2023年与2024年均未安排财政拨款“三公”经费支出。
公务用车购置及运行维护费0.00万元，其中：公务用车购置费0.00万元，公务用车运行维护费0.00万元。公务用车运行维护费开支内容包括本单位无公务用车运行维护费。公务用车购置数0辆，公务用车保有量0辆。国有资产占用情况中固定资产车辆29辆，与公务用车保有量差异原因是：本单位执法执勤用车，不属于公务用车。
十、其他重要事项的情况说明
（二）政府采购情况
2024年度政府采购支出总额25.69万元，其中：政府采购货物支出0.66万元、政府采购工程支出24.85万元、政府采购服务支出0.18万元。
授予中小企业合同金额25.69万元，占政府采购支出总额的100.00%，其中：授予小微企业合同金额25.03万元，占政府采购支出总额的97.43%。
"""

EXPECTED_004 = {
    "income_total": "3578.52",
    "income_year": "3576.66",
    "nonfiscal_balance_used": "0.00",
    "carryover_begin": "1.86",
    "expenditure_total": "3578.52",
    "expenditure_year": "3578.41",
    "balance_distribution": "0.00",
    "carryover_end": "0.11",
    "total_change": "-2786.60",
    "total_growth_pct": "-43.78",
    "basic_expenditure": "2676.50",
    "project_expenditure": "901.92",
    "remit_superior_expenditure": "0.00",
    "operating_expenditure": "0.00",
    "affiliate_subsidy_expenditure": "0.00",
    "fiscal_change": "-2702.89",
    "fiscal_growth_pct": "-43.59",
    "fiscal_budget_initial": "3831.22",
    "fiscal_budget_diff_pct": "-8.70",
    "fund_total": "0.00",
    "fund_expenditure_year": "0.00",
    "three_public_total": "0.00",
    "three_public_change": "0.00",
    "three_public_growth_pct": "0.00",
    "vehicle_total_expenditure": "0.00",
    "vehicle_purchase_expenditure": "0.00",
    "vehicle_operation_expenditure": "0.00",
    "vehicles_purchased": 0,
    "vehicles_held": 0,
    "procurement_total": "25.69",
    "procurement_goods": "0.66",
    "procurement_works": "24.85",
    "procurement_services": "0.18",
    "procurement_sme": "25.69",
    "procurement_small_micro": "25.03",
}


def run(text: str) -> Document:
    return extract(paragraphs_from_text(text), [], INFO)


def figures(document: Document) -> dict[str, object]:
    return {figure.key: figure.value for figure in document.figures}


@pytest.mark.parametrize(
    ("text", "expected"), [(SEED_000, EXPECTED_000), (SEED_002, EXPECTED_002), (SEED_004, EXPECTED_004)]
)
def test_every_stated_figure_is_read_exactly(text: str, expected: dict[str, object]) -> None:
    assert figures(run(text)) == expected


def test_keys_follow_the_contract_and_never_repeat() -> None:
    keys = [figure.key for figure in run(SEED_000).figures]
    assert len(keys) == len(set(keys))
    assert keys.index("staff_total") < keys.index("income_total") < keys.index("perf_executed")


def test_document_header() -> None:
    info = run(SEED_000).document
    assert info.kind == "final_account"
    assert info.title.value == "乌鲁木齐市民政局（本级）2024年度部门决算公开说明"
    assert info.department.value == "乌鲁木齐市民政局（本级）"
    assert info.fiscal_year.value == 2024
    assert run(SEED_002).document.department.value == "乌鲁木齐市人力资源和社会保障局(汇总)"


def test_self_evaluation_report_header() -> None:
    text = "附件 4：\n部门单位整体支出绩效\n自评报告\n（2023年度）\n部门单位名称（公章）：民政局\n填报时间：2024 年 04 月 23 日"
    info = run(text).document
    assert (info.kind, info.title.value, info.department.value, info.fiscal_year.value) == (
        "overall_performance_report",
        "部门单位整体支出绩效自评报告",
        "民政局",
        2023,
    )


def test_a_document_of_another_kind() -> None:
    assert run("关于开展2024年度绩效自评工作的通知\n各单位：").document.kind == "other"


def test_a_key_stated_twice_keeps_both_occurrences() -> None:
    figure = next(f for f in run(SEED_000).figures if f.key == "income_year")
    assert (figure.mention, figure.source) == ("本年收入合计", "本年收入合计 3,067.22 万元")
    assert [(a.mention, a.value) for a in figure.alternates] == [("本年收入", "3067.22")]


def test_no_capital_figures_when_the_report_says_there_are_none() -> None:
    assert not {"capital_total", "capital_expenditure_year"} & set(figures(run(SEED_000)))


def test_labels_read_in_their_own_section() -> None:
    # 年初预算数 in 四 is the 财政拨款 budget, in 五(一) the 一般公共预算 one; 七's is neither.
    values = figures(run(SEED_000))
    assert (values["fiscal_budget_initial"], values["general_budget_initial"]) == ("2739.75", "940.87")
    assert "1798.88" not in values.values()


def test_evidence_and_confidence() -> None:
    document = run(SEED_002)
    by_key = {figure.key: figure for figure in document.figures}
    clean = by_key["fiscal_total"]
    assert (clean.confidence, clean.page, clean.source, clean.status) == (
        1.0,
        1,
        "财政拨款收入总计 32,288.11 万元",
        "auto",
    )
    assert clean.bbox is not None and clean.bbox[0] < clean.bbox[2]
    broken = by_key["fiscal_carryover_begin"]  # "年初 财政拨款结转和结余": a label broken by OCR
    assert broken.source == "年初 财政拨款结转和结余 148.88 万元"
    assert broken.confidence < clean.confidence
    tolerant = by_key["perf_budget"]  # "全年预 算数"
    assert tolerant.confidence < 1.0


def test_confidence_follows_the_characters() -> None:
    paragraphs = paragraphs_from_text("第二部分 部门决算情况说明\n一、收入支出决算总体情况说明")
    paragraphs.append(paragraph_from_text("2024 年度收入总计 3,369.63 万元。", confidence=0.8))
    figure = extract(paragraphs, [], INFO).figures[0]
    assert (figure.key, figure.value, figure.confidence) == ("income_total", "3369.63", 0.8)


def test_a_repaired_number_is_less_sure() -> None:
    text = "第二部分 部门决算情况说明\n一、收入支出决算总体情况说明\n2024 年度收入总计 25, 169. 42 万元。"
    figure = run(text).figures[0]
    assert figure.value == "25169.42"
    assert figure.confidence < 1.0


def test_amount_written_in_yuan_is_converted() -> None:
    text = "第二部分 部门决算情况说明\n十、其他重要事项的情况说明\n（一）机关运行经费及公用经费支出情况\n机关运行经费支出 745,400.00 元。"
    assert figures(run(text)) == {"admin_operating_expenditure": "74.54"}


def test_extraction_is_fast() -> None:
    paragraphs = paragraphs_from_text(SEED_000 * 4)  # about a 30-page report's running text
    extract(paragraphs, [], INFO)  # builds the rules once
    start = time.perf_counter()
    extract(paragraphs, [], INFO)
    assert time.perf_counter() - start < 0.5
