/** The status page's own words in each audience's language; the incidents speak through their tweets. */
export interface StatusLabels {
  title: string;
  current: string;
  noneCurrent: string;
  recent: string;
  noneRecent: (days: number) => string;
  ongoing: string;
  resolved: string;
  viewOnX: string;
  feed: string;
  dryRun: string;
  lastUpdate: string;
}

export const STATUS_LABELS: Record<'ko' | 'en' | 'ja', StatusLabels> = {
  ko: {
    title: '서비스 상태',
    current: '진행 중인 장애',
    noneCurrent: '현재 알려진 문제가 없습니다.',
    recent: '최근 장애',
    noneRecent: (days) => `최근 ${days}일 동안 장애가 없었습니다.`,
    ongoing: '진행 중',
    resolved: '해결됨',
    viewOnX: 'X에서 보기',
    feed: 'Atom 피드',
    dryRun: '시험 실행(dry-run): herald가 outbox에 기록한 게시물입니다. X에는 게시되지 않았습니다.',
    lastUpdate: '마지막 업데이트',
  },
  en: {
    title: 'Service status',
    current: 'Current incidents',
    noneCurrent: 'No known problems right now.',
    recent: 'Recent incidents',
    noneRecent: (days) => `No incidents in the last ${days} days.`,
    ongoing: 'Ongoing',
    resolved: 'Resolved',
    viewOnX: 'View on X',
    feed: 'Atom feed',
    dryRun: 'Dry run: these are the posts herald wrote to its outbox; nothing was posted on X.',
    lastUpdate: 'Last update',
  },
  ja: {
    title: 'サービスの状況',
    current: '発生中の障害',
    noneCurrent: '現在、既知の問題はありません。',
    recent: '最近の障害',
    noneRecent: (days) => `過去${days}日間に障害はありませんでした。`,
    ongoing: '対応中',
    resolved: '解決済み',
    viewOnX: 'Xで見る',
    feed: 'Atomフィード',
    dryRun: 'ドライラン: heraldがoutboxに書き出した投稿です。Xには投稿されていません。',
    lastUpdate: '最終更新',
  },
};
