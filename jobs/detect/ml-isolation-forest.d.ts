// Types for ml-isolation-forest 0.1.0 (the package ships none): only what forest.ts touches.
declare module 'ml-isolation-forest' {
  /** A node of a trained tree: inner nodes split, leaves keep the rows that reached them. */
  export interface IsolationTreeNode {
    left?: IsolationTreeNode;
    right?: IsolationTreeNode;
    splitColumn?: number;
    splitValue?: number;
    trainingSet?: number[][];
  }

  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    nEstimators: number;
    forest: IsolationTreeNode[];
    train(trainingSet: number[][]): void;
    predict(data: number[][]): number[];
  }
}
