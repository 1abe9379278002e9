import{i as s,u as a,a as l,b as i,c as t,d as n,e as $,f as o,g as e,h as r,j as c}from"./echarts-Bj3F1tmT.js";a([l,i,t,n,$,o,e,r,c]);const m=s;export{m as init};
